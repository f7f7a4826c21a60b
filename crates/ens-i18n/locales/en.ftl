# ENS+ SCIM import: the words the pages, the admin API and the notices share.

## Fields of the catalogue
field-user-name = User name (sign-in name)
field-external-id = External ID
field-active = Active
field-display-name = Display name
field-title = Job title
field-preferred-language = Preferred language
field-given-name = First name
field-family-name = Last name
field-formatted-name = Full name
field-email-work = Work e-mail
field-email-other = Other e-mail
field-phone-work = Work phone
field-phone-mobile = Mobile phone
field-phone-fax = Fax
field-work-street-address = Work address: street
field-work-locality = Work address: city
field-work-region = Work address: region
field-work-postal-code = Work address: postal code
field-work-country = Work address: country
field-work-formatted-address = Work address (one line)
field-other-formatted-address = Other address (one line)
field-employee-number = Employee number
field-department = Department
field-division = Division
field-organization = Organization
field-cost-center = Cost center
field-manager = Manager

## What is wrong with a value, a field; what failed
value-empty = must not be empty
value-too-long = is longer than { $max } characters
value-control-character = contains a control character
value-invalid = is not { $expected }
value-expected-boolean = true or false
value-expected-email = an e-mail address such as name@example.com
value-expected-phone = a telephone number (digits, spaces and + - ( ) . / only, optionally an extension)
value-expected-sha256 = a SHA-256 hex digest
value-invisible-character = contains an invisible formatting character (U+{ $code }), such as a zero-width space or a text-direction mark; remove it from the value in the directory (e.g. Entra ID)
field-error-invalid = { $field } { $error }: “{ $value }”
field-error-required = { $field } is required and cannot be removed
field-error-not-boolean = { $field } must be true or false
field-error-not-text = { $field } must be a string
failure-database-unavailable = ENS+ could not reach its database
failure-database-error = ENS+'s database refused to store a change
failure-timeout = ENS+ took too long to store a change
failure-limit = a capacity limit of ENS+ refused a change
failure-internal = an internal error in ENS+ stopped a change
failure-mass-deactivation-held = ENS+ held a mass deactivation: more persons would have left the alert list than the limit allows

## The use cases' sentences (ens_domain::Said): activity entries, failure details, what a
## notice quotes. Kept as ids and arguments, worded when read; see docs/decisions/i18n.md.
said-verbatim = { $text }
said-and = { $first }; { $then }
person-named = { $name } ({ $user })
person = { $user }
departure-named = { $name } ({ $user }), { $action ->
        [deactivated] deactivated
       *[deleted] deleted
    }
departure = { $user }, { $action ->
        [deactivated] deactivated
       *[deleted] deleted
    }
departure-rule = more than { $floor } persons (or { $percent } % of the active ones, if more) within { $minutes } minutes
departure-limit-changed = SCIM import is held when { $rule }
hold = Entra tried to take { $attempted } persons off the alert list within { $minutes } minutes (the limit is { $threshold }): { $applied } were applied, then ENS+ held { $held } and every later change
token-generated-first = secret token generated (…{ $last4 })
token-generated = new secret token (…{ $last4 }); the previous one (…{ $previous }) keeps working until Entra uses the new one, or until { $until }
token-retired-new-used = the previous secret token (…{ $last4 }) stopped working: Entra used the new one
token-retired-overlap-over = the previous secret token (…{ $last4 }) stopped working: its overlap with the new one ended
token-retired-revoked = the previous secret token (…{ $last4 }) was revoked by { $by }
token-retired-replaced = the previous secret token (…{ $last4 }) stopped working: a newer token was generated (two live at most)
notice-language-changed = notices are now written in { $language ->
        [de] German
       *[en] English
    }
notify-addresses-none = no notification address: failures will only be logged
notify-addresses = notification addresses: { $addresses }
switched-on = switched on
switched-off = switched off
switched-on-after-failure = switched on again after the failure ({ $failure })
switched-on-allowing-held = switched on, allowing the held changes ({ $hold }); the departure limit is lifted until { $until }
switched-off-held = switched off: { $reason }; { $told }
switched-off-after-failure = switched off after a failure: { $reason }; { $told }
told-nobody = no notification address is configured: nobody was e-mailed
told-mailing = e-mailing { $addresses }
told-mailed-during-outage = e-mailed during the outage: { $addresses }
told-no-address = no notification address is configured
failure-because = { $failure }: { $detail }
request-failed = Entra's request { $request } could not be completed: { $reason }
request-failed-about = Entra's request { $request } ({ $user }) could not be completed: { $reason }
request-too-large = the request body is larger than { $max } bytes, the most ENS+ accepts
request-refused = Entra's request was refused ({ $status }): “{ $answer }”
user-name-taken = another person already has the user name “{ $user }”
no-such-person = ENS+ has no person with this id (deleted, or never created)
precondition-failed = the person had changed since the version Entra named (If-Match)
contention = other requests changed this person at the same time
silent-since = no SCIM request from Entra since { $since }
mapping-added = now imported: { $fields }
mapping-removed = no longer imported: { $fields }
no-change = no change
test-notice-asked = { $login } asked for a test e-mail
purge-rule-on = SCIM persons inactive for more than { $days } days are now deleted by housekeeping
purge-rule-off = SCIM persons inactive for long are no longer deleted by housekeeping
purged = { $count } SCIM persons inactive for more than { $days } days were deleted
purged-person = deleted by housekeeping: inactive since { $since }, more than { $days } days (the rule set on Setup)
purged-person-long-ago = deleted by housekeeping: inactive since long ago, more than { $days } days (the rule set on Setup)
created-by-hand = created by hand
changed-by-hand = changed by hand: { $fields }
deleted-by-hand = deleted by hand
created-with = with { $fields }
created-inactive = inactive: not alerted
took-over = took over the manual person; { $changes }
reactivated = reactivated
deactivated = deactivated
fields-changed = changed: { $fields }
fields-not-imported = not imported: { $fields }
deleted = deleted
principal-invited = invited { $login }
principal-password-reset = gave { $login } a new one-time password
principal-removed = removed { $login }
