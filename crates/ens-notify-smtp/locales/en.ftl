### ENS+ notices: English (the source every other language follows).
### <strong>…</strong> marks emphasis; { $name } is the enterprise, { $url } the link to
### Setup › SCIM Import, { $when } when it happened.

notice-hello = Hello,
notice-what-failed = What failed
notice-what-happened = What happened
notice-what-to-do = What to do
notice-examples = Examples
notice-details = Details
notice-no-details = No details were recorded.
notice-footer-why = You receive this e-mail because this address is set up to receive SCIM import notices for { $name } in ENS+.
notice-footer-id = Notice id: { $id }
notice-when = { $weekday }, { $day } { $month } { $year } at { $time } UTC ({ $iso })

## Switched off after a failure
notice-switched-off-subject = ENS+ SCIM import for { $name } was switched off
notice-switched-off-intro = ENS+ switched off SCIM import for <strong>{ $name }</strong> on { $when }.
notice-why-switched-off = Why import was switched off
notice-switched-off-why = ENS+ could not apply a change that Microsoft Entra ID sent. Rather than carry on with a Person list that is silently incomplete, ENS+ switched SCIM import off. While it is off, changes made in Entra ID do not reach the ENS+ Person list.
notice-nothing-lost = Nothing is lost: Microsoft Entra ID keeps the changes it could not deliver and retries them. They arrive once SCIM import is switched on again.
notice-switched-off-step-fix = Fix the cause described above. If you cannot tell what to do, contact ENS+ support and quote the notice id at the end of this e-mail.
notice-switched-off-step-on = Switch SCIM import on again at <strong>Setup › SCIM Import</strong>: { $url }

## A held mass deactivation
notice-held-subject = ENS+ held a mass deactivation for { $name }: SCIM import is switched off
notice-held-intro = On { $when }, Microsoft Entra ID tried to take many persons of <strong>{ $name }</strong> off the ENS+ alert list at once (by deactivating or deleting them). ENS+ held the change that would have crossed your limit and switched SCIM import off, so that these persons keep being alerted until you decide.
notice-held-examples-lead = The first is the change ENS+ held (not applied); the others were applied before it, newest first:
notice-held-open = Open <strong>Setup › SCIM Import</strong> ({ $url }) and choose one of:
notice-held-really-left = <strong>These persons really left</strong> (a reorganisation, a site closing): choose "Allow these changes and switch on". The limit is lifted for one window, and Entra's retries of the held changes are applied.
notice-held-mistake = <strong>It was a mistake</strong> (a group removed from the application, a scoping filter changed): keep SCIM import off, fix the assignment in Microsoft Entra ID (Enterprise applications › the ENS+ application › Users and groups, or Provisioning › Mappings › Scoping), then switch SCIM import on. Entra then no longer sends the held changes, and puts back the persons deactivated before the hold in its next cycle.
notice-held-nothing-lost = Nothing is lost either way: Microsoft Entra ID keeps the changes ENS+ refused and retries them. While SCIM import is off, no change made in Entra ID reaches the ENS+ Person list.

## Long-inactive persons deleted
notice-purged-subject = ENS+ deleted long-inactive persons of { $name }
notice-purged-intro = As the rule set for <strong>{ $name }</strong> at Setup › SCIM Import says, ENS+ housekeeping deleted persons from the Person list on { $when }: persons that Microsoft Entra ID had deactivated long ago and never deleted.
notice-purged-log = Each deletion is in the SCIM activity log. Should Entra activate one of these users again, it creates the person anew in ENS+.
notice-purged-rule = The rule can be changed or switched off at <strong>Setup › SCIM Import</strong>: { $url }

## Entra went silent
notice-silent-subject = ENS+ SCIM import for { $name }: Microsoft Entra ID seems to have stopped provisioning
notice-silent-intro = SCIM import for <strong>{ $name }</strong> is switched on, but ENS+ has received no SCIM request from Microsoft Entra ID since { $when }. Entra normally calls about every 40 minutes, so provisioning seems to have stopped: changes made in Entra ID do not reach the ENS+ Person list.
notice-silent-where = Where to look in Microsoft Entra ID
notice-silent-open = In the Microsoft Entra admin center, open <strong>Enterprise applications</strong>, then the application that provisions ENS+, then its <strong>Provisioning</strong> page. Check:
notice-silent-status = <strong>Provisioning status</strong>: it must be On.
notice-silent-quarantine = <strong>Quarantine</strong>: if the application is in quarantine, the page says why (for example, ENS+ refused the secret token).
notice-silent-logs = <strong>Provisioning logs</strong>: the requests that failed, and their errors.
notice-silent-restart = Once the cause is fixed, choose <strong>Restart provisioning</strong> there, so that Entra starts a new cycle soon.
notice-silent-setup = The Tenant URL and the secret token Entra needs are managed in ENS+ at <strong>Setup › SCIM Import</strong>: { $url }

## A test
notice-test-subject = ENS+ test notice for { $name }
notice-test-intro = This is a test message from ENS+ SCIM import for <strong>{ $name }</strong>, sent on { $when }.
notice-test-arrived = It arrived, so notices about SCIM import (for example, when ENS+ switches import off, or when Microsoft Entra ID seems to have stopped provisioning) will arrive at this address, <strong>{ $recipient }</strong>.
notice-test-no-action = No action is needed. The addresses that receive notices are managed at <strong>Setup › SCIM Import</strong>: { $url }

## Dates
weekday-1 = Monday
weekday-2 = Tuesday
weekday-3 = Wednesday
weekday-4 = Thursday
weekday-5 = Friday
weekday-6 = Saturday
weekday-7 = Sunday
month-1 = January
month-2 = February
month-3 = March
month-4 = April
month-5 = May
month-6 = June
month-7 = July
month-8 = August
month-9 = September
month-10 = October
month-11 = November
month-12 = December
