### ENS+ pages and admin API: English (the source every other language follows).
### Messages used in the pages' HTML may hold inline markup (<strong>, <code>); the ones the
### scripts use (js-…) are plain text. Keep ids; add a message here first, then translate it.

## The pages' titles
title-setup = Setup › SCIM Import
title-persons = Persons
title-person = Person
title-activity = SCIM activity
title-principals = Principals
title-login = Log in
title-not-found = Page not found
layout-language = Language

## Page: layout
layout-skip-to-the-content = Skip to the content
layout-log-out = Log out
layout-main = Main
layout-setup-scim-import = Setup › SCIM Import
layout-persons = Persons
layout-scim-activity = SCIM activity
layout-principals = Principals
layout-loading = Loading…
layout-your-session-ended-log-in = Your session ended: log in again. What you typed on this page is kept.
layout-log-in-again = Log in again

## Page: login
login-scim-import = SCIM import
login-log-in = Log in
login-e-mail-address = E-mail address
login-password = Password
login-choose-a-new-password = Choose a new password
login-your-password-was-generated-for = Your password was generated for you. Choose your own before anything else: at least 12 characters; a few unrelated words make a good one.
login-current-one-time-password = Current (one-time) password
login-new-password = New password
login-at-least-12-characters = At least 12 characters.
login-new-password-again = New password again
login-save-the-new-password = Save the new password

## Page: notfound
notfound-page-not-found = Page not found
notfound-there-is-no-page-at = There is no page at this address. It may have been mistyped, or the link that led here is out of date.

## Page: setup
setup-microsoft-entra-id-keeps-the = Microsoft Entra ID keeps the Person list up to date through SCIM. Set up the connection here, then enter the Tenant URL and the secret token in Entra (Enterprise application › Provisioning).
setup-off = Off
setup-switched-off-by-ens-after = Switched off by ENS+ after a failure
setup-reason = Reason
setup-since = Since
setup-details = Details
setup-incident = Incident
setup-the-failed-request-in-the = The failed request in the SCIM activity log
setup-ens-held-a-mass-deactivation = ENS+ held a mass deactivation
setup-examples = Examples
setup-the-first-is-the-change = The first is the change ENS+ held (not applied); the others were applied before it, newest first.
setup-what-do-you-want-to = What do you want to do?
setup-these-persons-really-left-a = <strong>These persons really left</strong> (a reorganisation, a site closing): the limit is lifted for one window, so that Entra's retries of the held changes go through.
setup-allow-these-changes-and-switch = Allow these changes and switch on
setup-it-was-a-mistake-a = <strong>It was a mistake</strong> (a group removed from the application, a scoping filter changed): keep SCIM import off and fix the assignment in Microsoft Entra ID (Enterprise applications › the ENS+ application › Users and groups, or Provisioning › Mappings › Scoping). Then switch SCIM import on: Entra no longer sends the held changes, and puts back the persons deactivated before the hold in its next cycle.
setup-keep-it-off-for-now = Keep it off for now
setup-next-in-microsoft-entra-id = Next, in Microsoft Entra ID
setup-open-enterprise-applications-the-ens = Open Enterprise applications › the ENS+ application › Provisioning, and enter the Tenant URL and the secret token under Admin credentials.
setup-press-test-connection-entra-checks = Press <strong>Test Connection</strong>: Entra checks the token against ENS+.
setup-save-then-press-start-provisioning = Save, then press <strong>Start provisioning</strong> (after a long pause: <strong>Restart provisioning</strong>). Entra's first cycle starts within 40 minutes.
setup-microsoft-s-instructions-for-automatic = Microsoft's instructions for automatic user provisioning
setup-switch-scim-import-off = Switch SCIM import off?
setup-while-import-is-off-ens = While import is off, ENS+ refuses every change Entra sends: new staff, changed phone numbers and departures are not applied to the Person list until you switch it on again (Entra keeps them and retries).
setup-switch-off = Switch off
setup-keep-it-on = Keep it on
setup-health-of-the-person-list = Health of the Person list
setup-will-an-alert-reach-everyone = Will an alert reach everyone? Each number links to the persons or entries it counts.
setup-fields-that-differ-from-entra = Fields that differ from Entra's mapping
setup-conflicts = Conflicts
setup-long-inactive-persons = Long-inactive persons
setup-entra-never-deletes-a-user = Entra never deletes a user it stops provisioning: it only deactivates them, so inactive persons pile up. ENS+ can delete persons from Entra that have been inactive for long; each deletion is in the SCIM activity log, and the notification addresses get a summary.
setup-delete-persons-from-entra-inactive = Delete persons from Entra inactive for more than
setup-days = Days
setup-days-2 = days
setup-save = Save
setup-connection-to-entra = Connection to Entra
setup-tenant-url = Tenant URL
setup-copy = Copy
setup-secret-token = Secret token
setup-revoke-the-previous-token-now = Revoke the previous token now
setup-generate-secret-token = Generate secret token
setup-new-secret-token = New secret token
setup-regenerate-the-secret-token = Regenerate the secret token?
setup-the-current-token-keeps-working = The current token keeps working until Entra first uses the new one, or for a limited overlap (7 days unless your operator set otherwise): enter the new token in Entra's provisioning settings before then. A previous token still working stops at once.
setup-regenerate = Regenerate
setup-cancel = Cancel
setup-hold-on-mass-deactivation = Hold on mass deactivation
setup-if-entra-takes-many-persons = If Entra takes many persons off the alert list at once (deactivated, or deleted while active), ENS+ holds the change that crosses this limit and switches SCIM import off until you decide. Deleting a person who is inactive already does not count.
setup-hold-when-more-than = Hold when more than
setup-number-of-persons = Number of persons
setup-persons-or = persons, or
setup-percentage-of-the-active-persons = Percentage of the active persons
setup-of-the-active-persons-if = % of the active persons if that is more, leave within
setup-minutes = Minutes
setup-minutes-2 = minutes.
setup-save-limit = Save limit
setup-use-the-defaults = Use the defaults
setup-notification-addresses = Notification addresses
setup-when-synchronization-breaks-on-the = When synchronization breaks on the side of ENS+, these addresses are told by e-mail.
setup-add-an-address = Add an address
setup-add = Add
setup-notice-language = Language of the notices
setup-notice-language-hint = The e-mails to these addresses are written in this language; the pages follow each principal's own choice (at the top of the page).
setup-send-a-test-e-mail = Send a test e-mail
setup-imported-fields = Imported fields
setup-fields-ens-takes-from-entra = Fields ENS+ takes from Entra
setup-save-fields = Save fields

## Page: persons
persons-new-person = New person
persons-search-by-name-user-name = Search by name, user name, e-mail, phone, employee number, external ID or department
persons-state = State
persons-active-and-inactive = Active and inactive
persons-active = Active
persons-inactive = Inactive
persons-source = Source
persons-entra-and-manual = Entra and manual
persons-entra-scim = Entra (SCIM)
persons-manual = Manual
persons-alerting = Alerting
persons-everyone = Everyone
persons-cannot-be-alerted = Cannot be alerted
persons-only-on-fields-no-longer = Only on fields no longer imported
persons-inactive-for-more-than = Inactive for more than
persons-30-days = 30 days
persons-90-days = 90 days
persons-180-days = 180 days
persons-a-year = a year
persons-show = Show
persons-pages-of-persons = Pages of persons
persons-previous = ← Previous
persons-next = Next →

## Page: person
person-all-persons = ← All persons
person-person = Person
person-created = Created
person-last-changed = Last changed
person-last-changed-by-entra = Last changed by Entra
person-this-person-s-scim-activity = This person's SCIM activity
person-edit = Edit
person-delete-this-person = Delete this person
person-fields = Fields
person-field = Field
person-value = Value
person-imported-from-entra = Imported from Entra
person-scim-attribute = SCIM attribute
person-delete-this-person-2 = Delete this person?
person-they-leave-the-person-list = They leave the Person list and are no longer alerted. This cannot be undone.
person-delete = Delete

## Page: activity
activity-what-entra-changed-through-scim = What Entra changed through SCIM, what was refused or failed, and who switched SCIM import on or off; newest first.
activity-everything = Everything
activity-failures-and-refusals-only = Failures and refusals only
activity-failures-only = Failures only
activity-refusals-only = Refusals only
activity-when = When
activity-outcome = Outcome
activity-what = What
activity-who = Who
activity-pages-of-the-activity-log = Pages of the activity log
activity-newer = ← Newer
activity-older = Older →

## Page: principals
principals-who-can-configure-scim-import = Who can configure SCIM import and see the Person list of this enterprise. An invited principal gets a one-time password, shown here once, and chooses their own at first login.
principals-principals-of-this-enterprise = Principals of this enterprise
principals-login = Login
principals-last-login = Last login
principals-actions = Actions
principals-one-time-password = One-time password
principals-invite-a-principal = Invite a principal
principals-e-mail-address-their-login = E-mail address (their login)
principals-invite = Invite
principals-remove-this-principal = Remove this principal?
principals-remove = Remove


## Scripts: every page (app.js)
js-server-answered = The server answered { $status }.
js-no-connection = No connection
js-no-connection-detail = ENS+ cannot be reached. Check the connection and try again.
js-error = Error: { $message }
js-copied = Copied to the clipboard.
js-copy-by-hand = The text is selected: copy it with Ctrl+C (⌘C on a Mac).
js-page-of = Page { $page } of { $pages }

## Scripts: login
js-login-choose-now = Logged in. Choose a new password before anything else.
js-login-throttled = Error: { $message } The Log in button works again when the wait is over.
js-login-try-again = You can try again now.
js-login-wait = Log in (wait { $seconds } s)
js-login-enter-both = Error: enter your e-mail address and your password.
js-login-passwords-differ = The two new passwords differ.
js-login-more-characters = At least { $min } characters: { $more } more.
js-login-enter-current = Error: enter your current (one-time) password.
js-login-too-short = Error: the new password needs at least { $min } characters.
js-login-error-passwords-differ = Error: the two new passwords differ.
js-login-password-changed = Password changed.
js-login-session-ended = Error: your session ended. Log in again.

## Scripts: persons
js-persons-user-name = User name
js-persons-display-name = Display name
js-persons-mobile = Mobile
js-persons-department = Department
js-persons-email = E-mail
js-persons-last-change = Last change
js-persons-sort-user-name = Sort by user name
js-persons-sort-display-name = Sort by display name
js-persons-sort-mobile = Sort by mobile
js-persons-sort-department = Sort by department
js-persons-sort-last-change = Sort by last change
js-persons-filter-unreachable = who cannot be alerted
js-persons-filter-only-not-imported = reachable only on fields no longer imported
js-persons-filter-active = active
js-persons-filter-inactive = inactive
js-persons-filter-source = from { $source }
js-persons-filter-inactive-days = inactive for more than { $days } days
js-persons-deleted = Deleted { $name }.
js-persons-since = since
js-persons-none-match = No person matches.
js-persons-empty = The Person list is empty.
js-persons-filtered-matching = Only { $filters }: { $n ->
        [one] 1 person
       *[other] { $n } persons
    } matching “{ $q }”.
js-persons-filtered = Only { $filters }: { $n ->
        [one] 1 person
       *[other] { $n } persons
    }.
js-persons-matching = { $n ->
        [one] 1 person matches
       *[other] { $n } persons match
    } “{ $q }”.
js-persons-all = { $n ->
        [one] 1 person
       *[other] { $n } persons
    } in the Person list.

## Scripts: person
js-person-not-set = not set
js-person-yes = Yes
js-person-no = No
js-person-nothing-changed = Nothing was changed.
js-person-enter-by-hand = Enter a person by hand
js-person-enter-by-hand-lead = A person entered here is not imported from Entra: ENS+ keeps it as it is, and only principals change or delete it. A user name is required.
js-person-no-such = No such person
js-person-no-such-detail = Error: there is no such person in the Person list (it may have been deleted).
js-person-never = never
js-person-from-entra = This person comes from Entra. { $n ->
        [one] The imported field can
       *[other] The { $n } imported fields can
    } only be changed in Entra.
js-person-by-hand = This person was entered by hand in ENS+: no field comes from Entra.
js-person-saved = Saved.
js-person-from-entra-badge = From Entra
js-person-show-empty = { $n ->
        [one] Show the field without a value
       *[other] Show the { $n } fields without a value
    }
js-person-hide-empty = Hide the fields without a value
js-person-edit-from-entra = Only the fields Entra does not import can be changed here; the others are changed in Entra.
js-person-edit-by-hand = This person was entered by hand: every field can be changed here.

## Fields of the catalogue (the admin API's labels)
group-identity = Sign-in and state
group-name = Name
group-contact = Contact
group-address = Address
group-organization = Organization

## Scripts: activity
js-activity-applied = Applied
js-activity-rejected = Rejected
js-activity-failed = Failed
js-kind-person-created = Person created
js-kind-creation-refused = Creation refused
js-kind-creation-failed = Creation failed
js-kind-person-updated = Person updated
js-kind-update-refused = Update refused
js-kind-update-failed = Update failed
js-kind-person-deleted = Person deleted
js-kind-deletion-refused = Deletion refused
js-kind-deletion-failed = Deletion failed
js-kind-request = Request from Entra
js-kind-request-refused = Request refused
js-kind-request-failed = Request failed
js-kind-import-switched-on = SCIM import switched on
js-kind-import-switched-off = SCIM import switched off
js-kind-token-generated = Secret token generated
js-kind-token-retired = Previous token stopped working
js-kind-mapping-changed = Imported fields changed
js-kind-addresses-changed = Notification addresses changed
js-kind-provisioning-silent = Entra went silent
js-kind-departure-limit-changed = Departure limit changed
js-kind-user-name-conflict = User name already taken
js-kind-purge-rule-changed = Purge of inactive persons changed
js-kind-inactive-purged = Inactive persons deleted
js-kind-principal-invited = Principal invited
js-kind-principal-password-reset = One-time password given
js-kind-principal-removed = Principal removed
js-kind-notice-language-changed = Language of the notices changed
js-activity-fix-in-entra = { $detail } — fix it in Entra; Entra sends it again in its next cycle.
js-activity-refused = Refused
js-activity-failures-and-refusals = Failures and refusals
js-activity-failures = Failures
js-activity-refusals = Refusals
js-activity-person = person
js-activity-entries = Entries
js-activity-of-kind = of kind “{ $kind }”
js-activity-about-one-person = about one person
js-activity-filtered = { $what }: { $n ->
        [0] none in the log
        [one] 1 entry
       *[other] { $n } entries
    }.
js-activity-nothing-yet = Nothing yet: Entra has not sent any change.
js-activity-on-this-page = On this page: { $failed } failed, { $rejected } rejected.
js-activity-no-failure = No failure on this page.
js-activity-entries-count = { $n ->
        [one] 1 entry.
       *[other] { $n } entries.
    }

## Scripts: principals
js-principals-one-time-for = One-time password for { $login }
js-principals-warning = Warning: { $warning }
js-principals-you = You
js-principals-new-one-time-for = New one-time password for { $login }
js-principals-new-one-time = New one-time password
js-principals-remove-login = Remove { $login }
js-principals-remove-text = { $login } can no longer log in; their sessions end. The activity log keeps what they did.
js-principals-giving = Giving { $login } a new one-time password…
js-principals-given = Done: { $login } has a new one-time password; their sessions ended.
js-principals-removed = Removed { $login }.
js-principals-type-address = Type their e-mail address first.
js-principals-invited = Invited { $login }.

## Scripts: health (on Setup)
js-health-more-than = more than { $n }
js-health-inactive = ({ $n } inactive)
js-health-manual = ({ $n } manual)
js-health-unreachable-note = active, with no mobile, work phone or e-mail address
js-health-only-not-imported-note = their numbers and addresses are no longer kept up to date by Entra
js-health-applied-last-day = Changes applied, last 24 hours
js-health-refused-last-day = Refused, last 24 hours
js-health-inactive-days = Inactive for more than { $days } days
js-health-drift-last-sent = Entra last sent it
js-health-drift-before-selected = , before it was selected here.
js-health-drift-not-sent = Entra has not sent it since it was selected, although it created persons since (last
js-health-drift-not-sent-end = ).
js-health-drift-sent = Entra sent it
js-health-creates = { $n ->
        [one] 1 create
       *[other] { $n } creates
    }
js-health-creates-refused = from Entra refused in the last 30 days because another person holds the user name.
js-health-shared-has = (manual) has the work e-mail of
js-health-shared-twice = (from Entra): the same person twice?
js-health-shared = { $n ->
        [one] 1 manual person shares
       *[other] { $n } manual persons share
    } a work e-mail with a person from Entra:
js-health-purge-hint = At least { $days } days. Off unless you switch it on.
js-not-saved-yet = Not saved yet: press Save.
js-health-purge-at-least = At least { $days } days.
js-saving = Saving…
js-health-purge-saved-on = Saved: persons from Entra inactive for more than { $days } days are deleted.
js-health-purge-saved-off = Saved: nobody is deleted.

## Scripts: setup
js-setup-on = On
js-setup-on-since = since { $since }.
js-setup-on-since-by = since { $since }, switched on by { $by }.
js-setup-off-since-by = since { $since }, switched off by { $by }.
js-setup-since = since { $since }.
js-setup-off-held = Off: ENS+ held a mass deactivation
js-setup-off-failed = Off: switched off by ENS+ after a failure
js-setup-recurs = This request will fail again as soon as Entra retries it. Contact { $contact } before you switch on.
js-setup-refused-while-off = { $n ->
        [one] 1 change from Entra was refused while import was off; Entra retries it after you switch on.
       *[other] { $n } changes from Entra were refused while import was off; Entra retries them after you switch on.
    }
js-setup-what-to-do = What to do:
js-setup-last-request = Last request from Entra: { $at }.
js-setup-no-request = No request from Entra yet.
js-setup-last-change = Last change applied: { $at }.
js-setup-no-change = No change from Entra applied yet.
js-setup-entra-hint = Next, in Entra: { $hint }
js-setup-hold-summary = Since { $since }: Entra tried to take { $attempted } persons off the alert list within { $minutes } minutes (the limit was { $threshold }). { $applied } were applied; ENS+ held the next one, and SCIM import is off: every further change waits in Entra.
js-setup-held-not-applied = — held, not applied
js-setup-allowing = Allowing the held changes and switching SCIM import on…
js-setup-allowed = Done: SCIM import is on, and Entra's retries of the held changes will be applied.
js-setup-stays-off = SCIM import stays off. Fix the assignment in Entra, then switch SCIM import on here.
js-setup-switching-on = Switching SCIM import on…
js-setup-switching-off = Switching SCIM import off…
js-setup-switched-on = Done: SCIM import is on.
js-setup-switched-off = Done: SCIM import is off.
js-setup-token-used = Current secret token, ending in { $ending }: created { $created }, last used by Entra { $used }. ENS+ cannot show it again; regenerate it if it is lost.
js-setup-token-unused = Current secret token, ending in { $ending }: created { $created }, not used by Entra yet. ENS+ cannot show it again; regenerate it if it is lost.
js-setup-no-token = No secret token yet. Generate one, then enter it in Entra together with the Tenant URL.
js-setup-regenerate-token = Regenerate secret token
js-setup-previous-used = Previous secret token, ending in { $ending }: created { $created }, last used by Entra { $used }. It stops working as soon as Entra uses the current token, and at the latest { $until }.
js-setup-previous-unused = Previous secret token, ending in { $ending }: created { $created }, not used by Entra since. It stops working as soon as Entra uses the current token, and at the latest { $until }.
js-setup-revoking = Revoking the previous secret token…
js-setup-revoked = Done: the previous secret token no longer works.
js-setup-generating = Generating a secret token…
js-setup-generated = Done: a new secret token was generated. Copy it now.
js-setup-between-persons = Between { $min } and { $max } persons.
js-setup-between-percent = Between { $min } and { $max } %.
js-setup-between-minutes = Between { $min } and { $max } minutes.
js-setup-departure-defaults = Defaults: more than { $floor } persons, or { $percent } % if more, within { $minutes } minutes.
js-setup-limit-lifted = The limit is lifted until { $until }, as a principal allowed.
js-setup-email-incomplete = Not a complete e-mail address yet (like name@example.com).
js-setup-email-listed = This address is in the list already.
js-setup-email-looks-good = Looks good: press Add.
js-setup-email-type-first = Type an address first.
js-setup-email-added = Added { $address }.
js-setup-delivered = Delivered to { $address }.
js-setup-not-delivered = Not delivered to { $address }: { $error }
js-setup-unknown-error = unknown error
js-setup-sending-test = Sending a test e-mail to every address…
js-setup-test-no-answer = The mail server has not answered yet; the result will not be shown here.
js-setup-test-result = Test e-mail: { $ok } of { $total } delivered.
language-en = English
language-de = German
js-setup-notice-language-saved = Saved: notices are written in { $language }.
js-setup-mapping-not-saved = Not saved yet: press Save fields.
js-setup-required = (required, always imported)
js-setup-mapping-saved = Saved: { $n } of { $total } fields are imported.

## Admin API: problems (title, then -detail)
problem-invalid-request = The request is not valid
problem-csrf = The request did not prove it came from the ENS+ page
problem-csrf-detail = Reload the page and try again.
problem-busy = ENS+ is busy
problem-busy-detail = Too many requests of this kind are waiting. Try again in a few seconds.
problem-throttled = Too many failed logins
problem-throttled-detail = Too many failed logins. Try again in { $wait }.
problem-unauthenticated = Not logged in
problem-unauthenticated-detail = you are not logged in, or your session has ended
problem-invalid-credentials = Login failed
problem-invalid-credentials-detail = the login or password is wrong
problem-password-change-required = Change your password first
problem-password-change-required-detail = you must change your one-time password before doing anything else
problem-weak-password = Password refused
problem-weak-password-detail = the new password is not acceptable: { $reason }
problem-not-found = Not found
problem-not-found-detail = There is nothing here, or it is not yours.
problem-token-required = Generate a secret token first
problem-token-required-detail = SCIM import cannot be switched on before a secret token has been generated
problem-no-previous-token = There is no previous token
problem-no-previous-token-detail = there is no previous secret token: only the current one works
problem-no-addresses = No notification address
problem-no-addresses-detail = Add at least one notification address first.
problem-invalid-addresses = Some e-mail addresses are not valid
problem-invalid-departure-limit = Departure limit refused
problem-invalid-departure-limit-detail = the departure limit is not acceptable: { $reason }
problem-invalid-purge-rule = Purge rule refused
problem-invalid-purge-rule-detail = persons can be deleted after between { $min } and { $max } days of inactivity
problem-no-hold = Nothing is held
problem-no-hold-detail = there is no held mass deactivation to allow: SCIM import was not held by the departure limit
problem-invalid-login = Login refused
problem-invalid-login-detail = the login must be an e-mail address: { $reason }
problem-login-taken = Login already in use
problem-login-taken-detail = another principal already logs in as { $login }
problem-remove-self = You cannot remove yourself
problem-remove-self-detail = you cannot remove yourself; another principal can
problem-last-principal = The last principal stays
problem-last-principal-detail = the last principal of an enterprise cannot be removed: nobody could configure SCIM import any more
problem-mapping = These fields cannot be chosen so
problem-mapping-required-detail = these fields are required and cannot be deselected: { $fields }
problem-mapping-unknown-detail = unknown field: { $key }
problem-user-name-taken = userName already in use
problem-user-name-taken-detail = another person already has the userName { $name }
problem-imported-fields = These fields come from Entra
problem-imported-fields-detail = these fields are imported from Entra and can only be changed there: { $fields }
problem-managed-by-scim = This person comes from Entra
problem-managed-by-scim-detail = this person is managed by SCIM: remove them in Entra (unassign the user from the ENS+ application)
problem-invalid-value = A value is not valid
problem-conflict = Changed in the meantime
problem-conflict-detail = someone changed this in the meantime; reload and try again
problem-unavailable = ENS+ cannot reach its database
problem-unavailable-detail = ENS+ cannot reach its database right now. Nothing was changed; try again in a minute.
problem-internal = Something went wrong in ENS+
problem-internal-detail = Something went wrong on our side. Nothing was changed; try again, and contact ENS+ support if it persists.
problem-json-expected = JSON expected
problem-json-expected-detail = Send the request body as JSON, with Content-Type: application/json.
problem-body-too-large = The request body is too large
problem-body-too-large-detail = The request body must not be larger than { $max } bytes.
problem-body-too-slow = The request body arrived too slowly
problem-body-too-slow-detail = The request body did not arrive within { $seconds } seconds.
problem-body-unreadable = The request body could not be read: { $error }
problem-body-invalid = The request body is not valid: { $error }
problem-query-invalid = The query string is not valid: { $error }
problem-no-endpoint = There is no such admin API endpoint (see /api/v1/openapi.json).
problem-wrong-password = Wrong password
problem-wrong-password-detail = The current password is wrong.
problem-no-such-field = There is no field { $key }.
problem-field-type = { $key } must be a string, a boolean or null.
problem-unknown-value = Unknown { $what } { $value }.
problem-search-too-long = The search text is longer than { $max } characters.
problem-cannot-sort = Cannot sort by { $value }.
problem-invalid-language = Language refused
problem-invalid-language-detail = ENS+ writes notices in English (en) or German (de), not { $value }.
problem-test-email-sending = A test e-mail is being sent
problem-test-email-sending-detail = Wait for the result of the test e-mail being sent before starting another.
problem-test-email-too-many = Too many test e-mails
problem-test-email-too-many-detail = At most { $max } test e-mails per { $minutes } minutes. Try again in { $wait }.

## Admin API: values, fields, passwords
address-too-many = at most { $max } addresses
weakness-too-short = it must have at least { $min } characters
weakness-too-long = it must have at most { $max } characters
weakness-same-as-current = it must differ from the current one
weakness-is-login = it must not be your login
weakness-guessable = it is too easy to guess; use several unrelated words or a password manager
weakness-guessable-because = it is too easy to guess ({ $hint }); use several unrelated words or a password manager
departure-error-floor = the number of persons must be between { $min } and { $max }
departure-error-percent = the percentage must be between { $min } and { $max }
departure-error-window = the window must be between { $min } and { $max } minutes
duration-seconds = { $n ->
        [one] 1 second
       *[other] { $n } seconds
    }
duration-minutes = { $n } minutes
duration-hours = { $n } hours
duration-days = { $n } days

## Admin API: Setup's words
hold-choices = If these persons really left (a reorganisation, say), choose "Allow these changes and switch on" (POST /api/v1/scim-import/hold/allow): the limit is lifted for one window, so that Entra's retries go through. If not (a group removed from the application, a scoping filter changed by mistake), keep SCIM import off, fix the assignment in Entra first, then switch SCIM import on: Entra then no longer sends the held changes, and puts back the persons deactivated before the hold in its next cycle.
support-contact-default = the operator of this ENS+ service
what-to-do-switch-on = Switch SCIM import on to let Entra update the Person list.
what-to-do-first-token = Generate a secret token, enter it with the Tenant URL in Entra, then switch SCIM import on.
what-to-do-recurs = This request will fail again as soon as Entra retries it: switching SCIM import on now would switch it off again. Contact { $contact } with the incident number below to have the limit raised, or change the person in Entra so that the request stays within it.
what-to-do-held = ENS+ held a mass deactivation: Entra tried to take more persons off the alert list than the departure limit allows. Nothing of the held change was applied. Allow the changes and switch on, or fix Entra's assignment and then switch on.
what-to-do-failed = ENS+ switched SCIM import off because synchronization broke on its side. Once the cause is fixed, switch SCIM import on again: Entra then retries the changes it could not deliver. If it happens again, contact { $contact } with the incident number below.
notify-warning-none = No notification address: if synchronization breaks, nobody is told by e-mail.
mapping-hint = Map the same fields in Entra (Provisioning › Mappings). Entra sends newly selected fields only after its provisioning has been restarted (Restart provisioning), since it only sends changes.
restart-hint = SCIM import was off for { $off_for } — longer than one Entra provisioning cycle (about 40 minutes). Entra was answered 503 meanwhile and has probably put the provisioning job into quarantine, retrying only every few hours or daily. In Entra, open the enterprise application › Provisioning and press "Restart provisioning": the changes Entra holds then arrive within minutes. Watch "Last request from Entra" here to see it back.
actor-scim = SCIM (Entra)
actor-operator = operator
actor-a-principal = a principal
drift-advice-not-sent = select it in Entra's attribute mapping, or stop importing it here
drift-advice-not-imported = Entra sends it: select it here if you want it in the Person list
one-time-password-warning = Give this one-time password to the principal in person or by phone, not in the same e-mail as the login. ENS+ cannot show it again; they must choose their own at first login.
token-warning = Copy the token now: ENS+ keeps only a fingerprint and cannot show it again.
token-warning-previous = Copy the token now: ENS+ keeps only a fingerprint and cannot show it again. The previous token (…{ $last4 }) keeps working until Entra uses this one, or until { $until } — paste this one into Entra (Provisioning › Admin credentials) before then.
departure-deactivated = deactivated
departure-deleted = deleted
