### ENS+-Benachrichtigungen: Deutsch (folgt dem englischen Katalog en.ftl, Id für Id).
### <strong>…</strong> hebt hervor; { $name } ist das Unternehmen, { $url } der Link zu
### Einrichtung › SCIM-Import, { $when } der Zeitpunkt.

notice-hello = Guten Tag,
notice-what-failed = Was fehlschlug
notice-what-happened = Was geschah
notice-what-to-do = Was zu tun ist
notice-examples = Beispiele
notice-details = Einzelheiten
notice-no-details = Es wurden keine Einzelheiten aufgezeichnet.
notice-footer-why = Sie erhalten diese E-Mail, weil diese Adresse in ENS+ Benachrichtigungen zum SCIM-Import für { $name } erhält.
notice-footer-id = Benachrichtigungs-ID: { $id }
notice-when = { $weekday }, { $day }. { $month } { $year } um { $time } UTC ({ $iso })

## Switched off after a failure
notice-switched-off-subject = Der ENS+ SCIM-Import für { $name } wurde ausgeschaltet
notice-switched-off-intro = ENS+ hat den SCIM-Import für <strong>{ $name }</strong> am { $when } ausgeschaltet.
notice-why-switched-off = Warum der Import ausgeschaltet wurde
notice-switched-off-why = ENS+ konnte eine Änderung, die Microsoft Entra ID gesendet hat, nicht übernehmen. Statt mit einer unbemerkt unvollständigen Personenliste weiterzuarbeiten, hat ENS+ den SCIM-Import ausgeschaltet. Solange er ausgeschaltet ist, erreichen Änderungen in Entra ID die ENS+-Personenliste nicht.
notice-nothing-lost = Nichts geht verloren: Microsoft Entra ID behält die Änderungen, die es nicht zustellen konnte, und versucht es erneut. Sie kommen an, sobald der SCIM-Import wieder eingeschaltet ist.
notice-switched-off-step-fix = Beheben Sie die oben beschriebene Ursache. Wenn Sie nicht wissen, was zu tun ist, wenden Sie sich an den ENS+-Support und nennen Sie die Benachrichtigungs-ID am Ende dieser E-Mail.
notice-switched-off-step-on = Schalten Sie den SCIM-Import unter <strong>Einrichtung › SCIM-Import</strong> wieder ein: { $url }

## A held mass deactivation
notice-held-subject = ENS+ hat eine Massendeaktivierung für { $name } angehalten: Der SCIM-Import ist ausgeschaltet
notice-held-intro = Am { $when } versuchte Microsoft Entra ID, viele Personen von <strong>{ $name }</strong> auf einmal von der ENS+-Alarmliste zu nehmen (durch Deaktivieren oder Löschen). ENS+ hat die Änderung angehalten, die Ihre Grenze überschritten hätte, und den SCIM-Import ausgeschaltet, damit diese Personen weiter alarmiert werden, bis Sie entscheiden.
notice-held-examples-lead = Die erste ist die von ENS+ angehaltene Änderung (nicht übernommen); die anderen wurden davor übernommen, die neueste zuerst:
notice-held-open = Öffnen Sie <strong>Einrichtung › SCIM-Import</strong> ({ $url }) und wählen Sie eine der Möglichkeiten:
notice-held-really-left = <strong>Diese Personen sind wirklich gegangen</strong> (eine Umstrukturierung, ein geschlossener Standort): Wählen Sie „Diese Änderungen zulassen und einschalten“. Die Grenze wird für ein Zeitfenster aufgehoben, und die Wiederholungen der angehaltenen Änderungen durch Entra werden übernommen.
notice-held-mistake = <strong>Es war ein Versehen</strong> (eine Gruppe aus der Anwendung entfernt, ein Bereichsfilter geändert): Lassen Sie den SCIM-Import ausgeschaltet, korrigieren Sie die Zuweisung in Microsoft Entra ID (Unternehmensanwendungen › die ENS+-Anwendung › Benutzer und Gruppen, oder Bereitstellung › Zuordnungen › Bereich) und schalten Sie dann den SCIM-Import ein. Entra sendet die angehaltenen Änderungen dann nicht mehr und stellt die vor dem Anhalten deaktivierten Personen in seinem nächsten Zyklus wieder her.
notice-held-nothing-lost = In beiden Fällen geht nichts verloren: Microsoft Entra ID behält die von ENS+ abgelehnten Änderungen und versucht es erneut. Solange der SCIM-Import ausgeschaltet ist, erreicht keine Änderung in Entra ID die ENS+-Personenliste.

## Long-inactive persons deleted
notice-purged-subject = ENS+ hat lange inaktive Personen von { $name } gelöscht
notice-purged-intro = Wie es die Regel für <strong>{ $name }</strong> unter Einrichtung › SCIM-Import vorsieht, hat die ENS+-Bereinigung am { $when } Personen aus der Personenliste gelöscht: Personen, die Microsoft Entra ID vor langer Zeit deaktiviert und nie gelöscht hatte.
notice-purged-log = Jede Löschung steht im SCIM-Aktivitätsprotokoll. Aktiviert Entra einen dieser Benutzer wieder, legt es die Person in ENS+ neu an.
notice-purged-rule = Die Regel kann unter <strong>Einrichtung › SCIM-Import</strong> geändert oder ausgeschaltet werden: { $url }

## Entra went silent
notice-silent-subject = ENS+ SCIM-Import für { $name }: Microsoft Entra ID scheint die Bereitstellung eingestellt zu haben
notice-silent-intro = Der SCIM-Import für <strong>{ $name }</strong> ist eingeschaltet, aber ENS+ hat seit { $when } keine SCIM-Anfrage von Microsoft Entra ID erhalten. Entra meldet sich normalerweise etwa alle 40 Minuten; die Bereitstellung scheint also zu stehen: Änderungen in Entra ID erreichen die ENS+-Personenliste nicht.
notice-silent-where = Wo Sie in Microsoft Entra ID nachsehen
notice-silent-open = Öffnen Sie im Microsoft Entra Admin Center <strong>Unternehmensanwendungen</strong>, dann die Anwendung, die ENS+ bereitstellt, dann deren Seite <strong>Bereitstellung</strong>. Prüfen Sie:
notice-silent-status = <strong>Bereitstellungsstatus</strong>: Er muss „Ein“ sein.
notice-silent-quarantine = <strong>Quarantäne</strong>: Ist die Anwendung unter Quarantäne, nennt die Seite den Grund (zum Beispiel, dass ENS+ das geheime Token abgelehnt hat).
notice-silent-logs = <strong>Bereitstellungsprotokolle</strong>: die fehlgeschlagenen Anfragen und ihre Fehler.
notice-silent-restart = Sobald die Ursache behoben ist, wählen Sie dort <strong>Bereitstellung neu starten</strong>, damit Entra bald einen neuen Zyklus beginnt.
notice-silent-setup = Die Mandanten-URL und das geheime Token, die Entra braucht, werden in ENS+ unter <strong>Einrichtung › SCIM-Import</strong> verwaltet: { $url }

## A test
notice-test-subject = ENS+-Testbenachrichtigung für { $name }
notice-test-intro = Dies ist eine Testnachricht des ENS+ SCIM-Imports für <strong>{ $name }</strong>, gesendet am { $when }.
notice-test-arrived = Sie ist angekommen, also werden Benachrichtigungen zum SCIM-Import (zum Beispiel, wenn ENS+ den Import ausschaltet oder Microsoft Entra ID die Bereitstellung eingestellt zu haben scheint) an dieser Adresse ankommen: <strong>{ $recipient }</strong>.
notice-test-no-action = Es ist nichts zu tun. Die Adressen, die Benachrichtigungen erhalten, werden unter <strong>Einrichtung › SCIM-Import</strong> verwaltet: { $url }

## Dates
weekday-1 = Montag
weekday-2 = Dienstag
weekday-3 = Mittwoch
weekday-4 = Donnerstag
weekday-5 = Freitag
weekday-6 = Samstag
weekday-7 = Sonntag
month-1 = Januar
month-2 = Februar
month-3 = März
month-4 = April
month-5 = Mai
month-6 = Juni
month-7 = Juli
month-8 = August
month-9 = September
month-10 = Oktober
month-11 = November
month-12 = Dezember
