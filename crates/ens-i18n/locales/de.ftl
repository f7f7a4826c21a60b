# ENS+ SCIM-Import: die Wörter, die Seiten, Admin-API und Benachrichtigungen teilen.

## Fields of the catalogue
field-user-name = Benutzername (Anmeldename)
field-external-id = Externe ID
field-active = Aktiv
field-display-name = Anzeigename
field-title = Position
field-preferred-language = Bevorzugte Sprache
field-given-name = Vorname
field-family-name = Nachname
field-formatted-name = Vollständiger Name
field-email-work = E-Mail (geschäftlich)
field-email-other = Weitere E-Mail
field-phone-work = Telefon (geschäftlich)
field-phone-mobile = Mobiltelefon
field-phone-fax = Fax
field-work-street-address = Geschäftsadresse: Straße
field-work-locality = Geschäftsadresse: Ort
field-work-region = Geschäftsadresse: Region
field-work-postal-code = Geschäftsadresse: Postleitzahl
field-work-country = Geschäftsadresse: Land
field-work-formatted-address = Geschäftsadresse (einzeilig)
field-other-formatted-address = Weitere Adresse (einzeilig)
field-employee-number = Personalnummer
field-department = Abteilung
field-division = Bereich
field-organization = Organisation
field-cost-center = Kostenstelle
field-manager = Vorgesetzte Person

## What is wrong with a value, a field; what failed
value-empty = darf nicht leer sein
value-too-long = ist länger als { $max } Zeichen
value-control-character = enthält ein Steuerzeichen
value-invalid = ist ungültig, erwartet wird { $expected }
value-expected-boolean = wahr oder falsch
value-expected-email = eine E-Mail-Adresse wie name@example.com
value-expected-phone = eine Telefonnummer (nur Ziffern, Leerzeichen und + - ( ) . /, wahlweise mit Durchwahl)
value-expected-sha256 = ein SHA-256-Hexadezimalwert
value-invisible-character = enthält ein unsichtbares Formatierungszeichen (U+{ $code }), etwa ein Leerzeichen ohne Breite oder eine Schreibrichtungsmarke; entfernen Sie es aus dem Wert im Verzeichnis (z. B. Entra ID)
field-error-invalid = { $field } { $error }: „{ $value }“
field-error-required = { $field } ist erforderlich und kann nicht entfernt werden
field-error-not-boolean = { $field } muss wahr oder falsch sein
field-error-not-text = { $field } muss eine Zeichenkette sein
failure-database-unavailable = ENS+ konnte seine Datenbank nicht erreichen
failure-database-error = Die Datenbank von ENS+ hat das Speichern einer Änderung verweigert
failure-timeout = ENS+ brauchte zu lange, um eine Änderung zu speichern
failure-limit = eine Kapazitätsgrenze von ENS+ hat eine Änderung abgelehnt
failure-internal = ein interner Fehler in ENS+ hat eine Änderung verhindert
failure-mass-deactivation-held = ENS+ hat eine Massendeaktivierung angehalten: Mehr Personen hätten die Alarmliste verlassen, als die Grenze erlaubt

## The use cases' sentences (ens_domain::Said): activity entries, failure details, what a
## notice quotes. Kept as ids and arguments, worded when read; see docs/decisions/i18n.md.
said-verbatim = { $text }
said-and = { $first }; { $then }
person-named = { $name } ({ $user })
person = { $user }
departure-named = { $name } ({ $user }), { $action ->
        [deactivated] deaktiviert
       *[deleted] gelöscht
    }
departure = { $user }, { $action ->
        [deactivated] deaktiviert
       *[deleted] gelöscht
    }
departure-rule = mehr als { $floor } Personen (oder { $percent } % der aktiven, falls mehr) innerhalb von { $minutes } Minuten
departure-limit-changed = SCIM-Import wird angehalten bei { $rule }
hold = Entra versuchte, { $attempted } Personen innerhalb von { $minutes } Minuten von der Alarmliste zu nehmen (die Grenze ist { $threshold }): { $applied } wurden übernommen, dann hielt ENS+ { $held } und jede spätere Änderung an
token-generated-first = geheimes Token erzeugt (…{ $last4 })
token-generated = neues geheimes Token (…{ $last4 }); das vorherige (…{ $previous }) funktioniert weiter, bis Entra das neue verwendet, längstens bis { $until }
token-retired-new-used = das vorherige geheime Token (…{ $last4 }) funktioniert nicht mehr: Entra hat das neue verwendet
token-retired-overlap-over = das vorherige geheime Token (…{ $last4 }) funktioniert nicht mehr: seine Überlappung mit dem neuen ist abgelaufen
token-retired-revoked = das vorherige geheime Token (…{ $last4 }) wurde von { $by } widerrufen
token-retired-replaced = das vorherige geheime Token (…{ $last4 }) funktioniert nicht mehr: ein neueres Token wurde erzeugt (höchstens zwei gelten)
notice-language-changed = Benachrichtigungen werden jetzt auf { $language ->
        [de] Deutsch
       *[en] Englisch
    } geschrieben
notify-addresses-none = keine Benachrichtigungsadresse: Störungen werden nur protokolliert
notify-addresses = Benachrichtigungsadressen: { $addresses }
switched-on = eingeschaltet
switched-off = ausgeschaltet
switched-on-after-failure = nach der Störung wieder eingeschaltet ({ $failure })
switched-on-allowing-held = eingeschaltet, die angehaltenen Änderungen zugelassen ({ $hold }); die Abgangsgrenze ist aufgehoben bis { $until }
switched-off-held = ausgeschaltet: { $reason }; { $told }
switched-off-after-failure = nach einer Störung ausgeschaltet: { $reason }; { $told }
told-nobody = keine Benachrichtigungsadresse eingerichtet: niemand wurde per E-Mail informiert
told-mailing = E-Mail an { $addresses }
told-mailed-during-outage = während des Ausfalls per E-Mail informiert: { $addresses }
told-no-address = keine Benachrichtigungsadresse eingerichtet
failure-because = { $failure }: { $detail }
request-failed = Entras Anfrage { $request } konnte nicht ausgeführt werden: { $reason }
request-failed-about = Entras Anfrage { $request } ({ $user }) konnte nicht ausgeführt werden: { $reason }
request-too-large = der Inhalt der Anfrage ist größer als { $max } Bytes, das Höchstmaß von ENS+
request-refused = Entras Anfrage wurde abgelehnt ({ $status }): „{ $answer }“
user-name-taken = eine andere Person hat bereits den Benutzernamen „{ $user }“
no-such-person = ENS+ hat keine Person mit dieser ID (gelöscht oder nie angelegt)
precondition-failed = die Person hatte sich seit der von Entra genannten Version geändert (If-Match)
contention = andere Anfragen haben diese Person gleichzeitig geändert
silent-since = keine SCIM-Anfrage von Entra seit { $since }
mapping-added = jetzt importiert: { $fields }
mapping-removed = nicht mehr importiert: { $fields }
no-change = keine Änderung
test-notice-asked = { $login } hat eine Test-E-Mail angefordert
purge-rule-on = SCIM-Personen, die länger als { $days } Tage inaktiv sind, werden jetzt von der Bereinigung gelöscht
purge-rule-off = lange inaktive SCIM-Personen werden nicht mehr von der Bereinigung gelöscht
purged = { $count } SCIM-Personen, die länger als { $days } Tage inaktiv waren, wurden gelöscht
purged-person = von der Bereinigung gelöscht: inaktiv seit { $since }, länger als { $days } Tage (die Regel auf der Einrichtungsseite)
purged-person-long-ago = von der Bereinigung gelöscht: seit langem inaktiv, länger als { $days } Tage (die Regel auf der Einrichtungsseite)
created-by-hand = von Hand angelegt
changed-by-hand = von Hand geändert: { $fields }
deleted-by-hand = von Hand gelöscht
created-with = mit { $fields }
created-inactive = inaktiv: wird nicht alarmiert
took-over = die manuell angelegte Person übernommen; { $changes }
reactivated = reaktiviert
deactivated = deaktiviert
fields-changed = geändert: { $fields }
fields-not-imported = nicht importiert: { $fields }
deleted = gelöscht
principal-invited = { $login } eingeladen
principal-password-reset = { $login } ein neues Einmalpasswort gegeben
principal-removed = { $login } entfernt
