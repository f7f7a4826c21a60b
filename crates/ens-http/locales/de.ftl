### ENS+-Seiten und Admin-API: Deutsch (folgt dem englischen Katalog en.ftl, Id für Id).
### In den Seiten verwendete Meldungen dürfen Inline-Auszeichnungen enthalten (<strong>, <code>);
### die der Skripte (js-…) sind reiner Text.

## The pages' titles
title-setup = Einrichtung › SCIM-Import
title-persons = Personen
title-person = Person
title-activity = SCIM-Aktivität
title-principals = Administratoren
title-login = Anmelden
title-not-found = Seite nicht gefunden
layout-language = Sprache

## Page: layout
layout-skip-to-the-content = Zum Inhalt springen
layout-log-out = Abmelden
layout-main = Hauptnavigation
layout-setup-scim-import = Einrichtung › SCIM-Import
layout-persons = Personen
layout-scim-activity = SCIM-Aktivität
layout-principals = Administratoren
layout-loading = Wird geladen…
layout-your-session-ended-log-in = Ihre Sitzung ist abgelaufen: Bitte melden Sie sich erneut an. Was Sie auf dieser Seite eingegeben haben, bleibt erhalten.
layout-log-in-again = Erneut anmelden

## Page: login
login-scim-import = SCIM-Import
login-log-in = Anmelden
login-e-mail-address = E-Mail-Adresse
login-password = Passwort
login-choose-a-new-password = Neues Passwort wählen
login-your-password-was-generated-for = Ihr Passwort wurde für Sie erzeugt. Wählen Sie vor allem anderen ein eigenes: mindestens 12 Zeichen; einige voneinander unabhängige Wörter ergeben ein gutes.
login-current-one-time-password = Aktuelles (Einmal-)Passwort
login-new-password = Neues Passwort
login-at-least-12-characters = Mindestens 12 Zeichen.
login-new-password-again = Neues Passwort wiederholen
login-save-the-new-password = Neues Passwort speichern

## Page: notfound
notfound-page-not-found = Seite nicht gefunden
notfound-there-is-no-page-at = Unter dieser Adresse gibt es keine Seite. Vielleicht wurde sie falsch eingegeben, oder der Link, der hierher führte, ist veraltet.

## Page: setup
setup-microsoft-entra-id-keeps-the = Microsoft Entra ID hält die Personenliste über SCIM aktuell. Richten Sie hier die Verbindung ein und tragen Sie dann die Mandanten-URL und das geheime Token in Entra ein (Unternehmensanwendung › Bereitstellung).
setup-off = Aus
setup-switched-off-by-ens-after = Nach einem Fehler von ENS+ ausgeschaltet
setup-reason = Grund
setup-since = Seit
setup-details = Einzelheiten
setup-incident = Vorfall
setup-the-failed-request-in-the = Die fehlgeschlagene Anfrage im SCIM-Aktivitätsprotokoll
setup-ens-held-a-mass-deactivation = ENS+ hat eine Massendeaktivierung angehalten
setup-examples = Beispiele
setup-the-first-is-the-change = Die erste ist die von ENS+ angehaltene Änderung (nicht übernommen); die anderen wurden davor übernommen, die neueste zuerst.
setup-what-do-you-want-to = Was möchten Sie tun?
setup-these-persons-really-left-a = <strong>Diese Personen sind wirklich gegangen</strong> (eine Umstrukturierung, ein geschlossener Standort): Die Grenze wird für ein Zeitfenster aufgehoben, damit die Wiederholungen der angehaltenen Änderungen durch Entra durchgehen.
setup-allow-these-changes-and-switch = Diese Änderungen zulassen und einschalten
setup-it-was-a-mistake-a = <strong>Es war ein Versehen</strong> (eine Gruppe aus der Anwendung entfernt, ein Bereichsfilter geändert): Lassen Sie den SCIM-Import ausgeschaltet und korrigieren Sie die Zuweisung in Microsoft Entra ID (Unternehmensanwendungen › die ENS+-Anwendung › Benutzer und Gruppen, oder Bereitstellung › Zuordnungen › Bereich). Schalten Sie dann den SCIM-Import ein: Entra sendet die angehaltenen Änderungen nicht mehr und stellt die vor dem Anhalten deaktivierten Personen in seinem nächsten Zyklus wieder her.
setup-keep-it-off-for-now = Vorerst ausgeschaltet lassen
setup-next-in-microsoft-entra-id = Als Nächstes in Microsoft Entra ID
setup-open-enterprise-applications-the-ens = Öffnen Sie Unternehmensanwendungen › die ENS+-Anwendung › Bereitstellung und tragen Sie unter Administratoranmeldeinformationen die Mandanten-URL und das geheime Token ein.
setup-press-test-connection-entra-checks = Klicken Sie auf <strong>Verbindung testen</strong>: Entra prüft das Token bei ENS+.
setup-save-then-press-start-provisioning = Speichern Sie und klicken Sie dann auf <strong>Bereitstellung starten</strong> (nach einer langen Pause: <strong>Bereitstellung neu starten</strong>). Der erste Zyklus von Entra beginnt innerhalb von 40 Minuten.
setup-microsoft-s-instructions-for-automatic = Anleitung von Microsoft zur automatischen Benutzerbereitstellung
setup-switch-scim-import-off = SCIM-Import ausschalten?
setup-while-import-is-off-ens = Solange der Import ausgeschaltet ist, lehnt ENS+ jede Änderung ab, die Entra sendet: Neue Mitarbeitende, geänderte Telefonnummern und Abgänge werden erst in die Personenliste übernommen, wenn Sie ihn wieder einschalten (Entra behält sie und versucht es erneut).
setup-switch-off = Ausschalten
setup-keep-it-on = Eingeschaltet lassen
setup-health-of-the-person-list = Zustand der Personenliste
setup-will-an-alert-reach-everyone = Erreicht ein Alarm alle? Jede Zahl führt zu den Personen oder Einträgen, die sie zählt.
setup-fields-that-differ-from-entra = Felder, die von der Zuordnung in Entra abweichen
setup-conflicts = Konflikte
setup-long-inactive-persons = Lange inaktive Personen
setup-entra-never-deletes-a-user = Entra löscht nie einen Benutzer, den es nicht mehr bereitstellt: Es deaktiviert ihn nur, sodass sich inaktive Personen ansammeln. ENS+ kann Personen aus Entra löschen, die lange inaktiv sind; jede Löschung steht im SCIM-Aktivitätsprotokoll, und die Benachrichtigungsadressen erhalten eine Zusammenfassung.
setup-delete-persons-from-entra-inactive = Personen aus Entra löschen, die inaktiv sind seit mehr als
setup-days = Tage
setup-days-2 = Tagen
setup-save = Speichern
setup-connection-to-entra = Verbindung zu Entra
setup-tenant-url = Mandanten-URL
setup-copy = Kopieren
setup-secret-token = Geheimes Token
setup-revoke-the-previous-token-now = Vorheriges Token jetzt widerrufen
setup-generate-secret-token = Geheimes Token erzeugen
setup-new-secret-token = Neues geheimes Token
setup-regenerate-the-secret-token = Geheimes Token neu erzeugen?
setup-the-current-token-keeps-working = Das aktuelle Token funktioniert weiter, bis Entra zum ersten Mal das neue verwendet, oder für eine begrenzte Überschneidung (7 Tage, sofern Ihr Betreiber nichts anderes festgelegt hat): Tragen Sie das neue Token vorher in den Bereitstellungseinstellungen von Entra ein. Ein noch funktionierendes vorheriges Token hört sofort auf zu funktionieren.
setup-regenerate = Neu erzeugen
setup-cancel = Abbrechen
setup-hold-on-mass-deactivation = Anhalten bei Massendeaktivierung
setup-if-entra-takes-many-persons = Nimmt Entra viele Personen auf einmal von der Alarmliste (deaktiviert oder im aktiven Zustand gelöscht), hält ENS+ die Änderung an, die diese Grenze überschreitet, und schaltet den SCIM-Import aus, bis Sie entscheiden. Das Löschen einer bereits inaktiven Person zählt nicht.
setup-hold-when-more-than = Anhalten, wenn mehr als
setup-number-of-persons = Anzahl Personen
setup-persons-or = Personen oder
setup-percentage-of-the-active-persons = Prozentsatz der aktiven Personen
setup-of-the-active-persons-if = % der aktiven Personen (falls das mehr ist) die Alarmliste verlassen, innerhalb von
setup-minutes = Minuten
setup-minutes-2 = Minuten.
setup-save-limit = Grenze speichern
setup-use-the-defaults = Standardwerte verwenden
setup-notification-addresses = Benachrichtigungsadressen
setup-when-synchronization-breaks-on-the = Wenn die Synchronisierung auf der Seite von ENS+ ausfällt, werden diese Adressen per E-Mail benachrichtigt.
setup-add-an-address = Adresse hinzufügen
setup-add = Hinzufügen
setup-notice-language = Sprache der Benachrichtigungen
setup-notice-language-hint = Die E-Mails an diese Adressen werden in dieser Sprache geschrieben; die Seiten folgen der Wahl jedes Administrators (oben auf der Seite).
setup-send-a-test-e-mail = Test-E-Mail senden
setup-imported-fields = Importierte Felder
setup-fields-ens-takes-from-entra = Felder, die ENS+ aus Entra übernimmt
setup-save-fields = Felder speichern

## Page: persons
persons-new-person = Neue Person
persons-search-by-name-user-name = Suche nach Name, Benutzername, E-Mail, Telefon, Personalnummer, externer ID oder Abteilung
persons-state = Status
persons-active-and-inactive = Aktiv und inaktiv
persons-active = Aktiv
persons-inactive = Inaktiv
persons-source = Herkunft
persons-entra-and-manual = Entra und manuell
persons-entra-scim = Entra (SCIM)
persons-manual = Manuell
persons-alerting = Alarmierung
persons-everyone = Alle
persons-cannot-be-alerted = Nicht alarmierbar
persons-only-on-fields-no-longer = Nur über nicht mehr importierte Felder
persons-inactive-for-more-than = Inaktiv seit mehr als
persons-30-days = 30 Tagen
persons-90-days = 90 Tagen
persons-180-days = 180 Tagen
persons-a-year = einem Jahr
persons-show = Anzeigen
persons-pages-of-persons = Seiten der Personenliste
persons-previous = ← Zurück
persons-next = Weiter →

## Page: person
person-all-persons = ← Alle Personen
person-person = Person
person-created = Angelegt
person-last-changed = Zuletzt geändert
person-last-changed-by-entra = Zuletzt von Entra geändert
person-this-person-s-scim-activity = SCIM-Aktivität dieser Person
person-edit = Bearbeiten
person-delete-this-person = Diese Person löschen
person-fields = Felder
person-field = Feld
person-value = Wert
person-imported-from-entra = Aus Entra importiert
person-scim-attribute = SCIM-Attribut
person-delete-this-person-2 = Diese Person löschen?
person-they-leave-the-person-list = Sie verlässt die Personenliste und wird nicht mehr alarmiert. Das kann nicht rückgängig gemacht werden.
person-delete = Löschen

## Page: activity
activity-what-entra-changed-through-scim = Was Entra über SCIM geändert hat, was abgelehnt wurde oder fehlschlug, und wer den SCIM-Import ein- oder ausgeschaltet hat; das Neueste zuerst.
activity-everything = Alles
activity-failures-and-refusals-only = Nur Fehler und Ablehnungen
activity-failures-only = Nur Fehler
activity-refusals-only = Nur Ablehnungen
activity-when = Wann
activity-outcome = Ergebnis
activity-what = Was
activity-who = Wer
activity-pages-of-the-activity-log = Seiten des Aktivitätsprotokolls
activity-newer = ← Neuer
activity-older = Älter →

## Page: principals
principals-who-can-configure-scim-import = Wer den SCIM-Import einrichten und die Personenliste dieses Unternehmens sehen kann. Ein eingeladener Administrator erhält ein Einmalpasswort, das hier einmal angezeigt wird, und wählt bei der ersten Anmeldung ein eigenes.
principals-principals-of-this-enterprise = Administratoren dieses Unternehmens
principals-login = Anmeldename
principals-last-login = Letzte Anmeldung
principals-actions = Aktionen
principals-one-time-password = Einmalpasswort
principals-invite-a-principal = Administrator einladen
principals-e-mail-address-their-login = E-Mail-Adresse (ihr Anmeldename)
principals-invite = Einladen
principals-remove-this-principal = Diesen Administrator entfernen?
principals-remove = Entfernen


## Scripts: every page (app.js)
js-server-answered = Der Server antwortete mit { $status }.
js-no-connection = Keine Verbindung
js-no-connection-detail = ENS+ ist nicht erreichbar. Prüfen Sie die Verbindung und versuchen Sie es erneut.
js-error = Fehler: { $message }
js-copied = In die Zwischenablage kopiert.
js-copy-by-hand = Der Text ist markiert: Kopieren Sie ihn mit Strg+C (⌘C auf einem Mac).
js-page-of = Seite { $page } von { $pages }

## Scripts: login
js-login-choose-now = Angemeldet. Wählen Sie vor allem anderen ein neues Passwort.
js-login-throttled = Fehler: { $message } Die Schaltfläche „Anmelden“ funktioniert wieder, sobald die Wartezeit vorbei ist.
js-login-try-again = Sie können es jetzt erneut versuchen.
js-login-wait = Anmelden (noch { $seconds } s warten)
js-login-enter-both = Fehler: Geben Sie Ihre E-Mail-Adresse und Ihr Passwort ein.
js-login-passwords-differ = Die beiden neuen Passwörter unterscheiden sich.
js-login-more-characters = Mindestens { $min } Zeichen: noch { $more }.
js-login-enter-current = Fehler: Geben Sie Ihr aktuelles (Einmal-)Passwort ein.
js-login-too-short = Fehler: Das neue Passwort braucht mindestens { $min } Zeichen.
js-login-error-passwords-differ = Fehler: Die beiden neuen Passwörter unterscheiden sich.
js-login-password-changed = Passwort geändert.
js-login-session-ended = Fehler: Ihre Sitzung ist abgelaufen. Melden Sie sich erneut an.

## Scripts: persons
js-persons-user-name = Benutzername
js-persons-display-name = Anzeigename
js-persons-mobile = Mobil
js-persons-department = Abteilung
js-persons-email = E-Mail
js-persons-last-change = Letzte Änderung
js-persons-sort-user-name = Nach Benutzername sortieren
js-persons-sort-display-name = Nach Anzeigename sortieren
js-persons-sort-mobile = Nach Mobilnummer sortieren
js-persons-sort-department = Nach Abteilung sortieren
js-persons-sort-last-change = Nach letzter Änderung sortieren
js-persons-filter-unreachable = die nicht alarmiert werden können
js-persons-filter-only-not-imported = nur über nicht mehr importierte Felder erreichbar
js-persons-filter-active = aktiv
js-persons-filter-inactive = inaktiv
js-persons-filter-source = aus { $source }
js-persons-filter-inactive-days = seit mehr als { $days } Tagen inaktiv
js-persons-deleted = { $name } gelöscht.
js-persons-since = seit
js-persons-none-match = Keine Person passt.
js-persons-empty = Die Personenliste ist leer.
js-persons-filtered-matching = Nur { $filters }: { $n ->
        [one] 1 Person
       *[other] { $n } Personen
    } mit „{ $q }“.
js-persons-filtered = Nur { $filters }: { $n ->
        [one] 1 Person
       *[other] { $n } Personen
    }.
js-persons-matching = { $n ->
        [one] 1 Person passt
       *[other] { $n } Personen passen
    } zu „{ $q }“.
js-persons-all = { $n ->
        [one] 1 Person
       *[other] { $n } Personen
    } in der Personenliste.

## Scripts: person
js-person-not-set = nicht gesetzt
js-person-yes = Ja
js-person-no = Nein
js-person-nothing-changed = Es wurde nichts geändert.
js-person-enter-by-hand = Eine Person von Hand erfassen
js-person-enter-by-hand-lead = Eine hier erfasste Person wird nicht aus Entra importiert: ENS+ behält sie so, wie sie ist, und nur Administratoren ändern oder löschen sie. Ein Benutzername ist erforderlich.
js-person-no-such = Keine solche Person
js-person-no-such-detail = Fehler: Diese Person gibt es in der Personenliste nicht (vielleicht wurde sie gelöscht).
js-person-never = nie
js-person-from-entra = Diese Person kommt aus Entra. { $n ->
        [one] Das importierte Feld kann
       *[other] Die { $n } importierten Felder können
    } nur in Entra geändert werden.
js-person-by-hand = Diese Person wurde in ENS+ von Hand erfasst: Kein Feld kommt aus Entra.
js-person-saved = Gespeichert.
js-person-from-entra-badge = Aus Entra
js-person-show-empty = { $n ->
        [one] Das Feld ohne Wert anzeigen
       *[other] Die { $n } Felder ohne Wert anzeigen
    }
js-person-hide-empty = Felder ohne Wert ausblenden
js-person-edit-from-entra = Hier können nur die Felder geändert werden, die Entra nicht importiert; die anderen werden in Entra geändert.
js-person-edit-by-hand = Diese Person wurde von Hand erfasst: Jedes Feld kann hier geändert werden.

## Fields of the catalogue (the admin API's labels)
group-identity = Anmeldung und Status
group-name = Name
group-contact = Kontakt
group-address = Adresse
group-organization = Organisation

## Scripts: activity
js-activity-applied = Übernommen
js-activity-rejected = Abgelehnt
js-activity-failed = Fehlgeschlagen
js-kind-person-created = Person angelegt
js-kind-creation-refused = Anlegen abgelehnt
js-kind-creation-failed = Anlegen fehlgeschlagen
js-kind-person-updated = Person geändert
js-kind-update-refused = Änderung abgelehnt
js-kind-update-failed = Änderung fehlgeschlagen
js-kind-person-deleted = Person gelöscht
js-kind-deletion-refused = Löschen abgelehnt
js-kind-deletion-failed = Löschen fehlgeschlagen
js-kind-request = Anfrage von Entra
js-kind-request-refused = Anfrage abgelehnt
js-kind-request-failed = Anfrage fehlgeschlagen
js-kind-import-switched-on = SCIM-Import eingeschaltet
js-kind-import-switched-off = SCIM-Import ausgeschaltet
js-kind-token-generated = Geheimes Token erzeugt
js-kind-token-retired = Vorheriges Token funktioniert nicht mehr
js-kind-mapping-changed = Importierte Felder geändert
js-kind-addresses-changed = Benachrichtigungsadressen geändert
js-kind-provisioning-silent = Entra meldet sich nicht mehr
js-kind-departure-limit-changed = Abgangsgrenze geändert
js-kind-user-name-conflict = Benutzername bereits vergeben
js-kind-purge-rule-changed = Löschregel für inaktive Personen geändert
js-kind-inactive-purged = Inaktive Personen gelöscht
js-kind-principal-invited = Administrator eingeladen
js-kind-principal-password-reset = Einmalpasswort vergeben
js-kind-principal-removed = Administrator entfernt
js-kind-notice-language-changed = Sprache der Benachrichtigungen geändert
js-activity-fix-in-entra = { $detail } — korrigieren Sie es in Entra; Entra sendet es in seinem nächsten Zyklus erneut.
js-activity-refused = Abgelehnt
js-activity-failures-and-refusals = Fehler und Ablehnungen
js-activity-failures = Fehler
js-activity-refusals = Ablehnungen
js-activity-person = Person
js-activity-entries = Einträge
js-activity-of-kind = der Art „{ $kind }“
js-activity-about-one-person = zu einer Person
js-activity-filtered = { $what }: { $n ->
        [0] keine im Protokoll
        [one] 1 Eintrag
       *[other] { $n } Einträge
    }.
js-activity-nothing-yet = Noch nichts: Entra hat noch keine Änderung gesendet.
js-activity-on-this-page = Auf dieser Seite: { $failed } fehlgeschlagen, { $rejected } abgelehnt.
js-activity-no-failure = Kein Fehler auf dieser Seite.
js-activity-entries-count = { $n ->
        [one] 1 Eintrag.
       *[other] { $n } Einträge.
    }

## Scripts: principals
js-principals-one-time-for = Einmalpasswort für { $login }
js-principals-warning = Achtung: { $warning }
js-principals-you = Sie
js-principals-new-one-time-for = Neues Einmalpasswort für { $login }
js-principals-new-one-time = Neues Einmalpasswort
js-principals-remove-login = { $login } entfernen
js-principals-remove-text = { $login } kann sich nicht mehr anmelden; die Sitzungen enden. Das Aktivitätsprotokoll behält, was getan wurde.
js-principals-giving = { $login } erhält ein neues Einmalpasswort…
js-principals-given = Erledigt: { $login } hat ein neues Einmalpasswort; die Sitzungen wurden beendet.
js-principals-removed = { $login } entfernt.
js-principals-type-address = Geben Sie zuerst die E-Mail-Adresse ein.
js-principals-invited = { $login } eingeladen.

## Scripts: health (on Setup)
js-health-more-than = mehr als { $n }
js-health-inactive = ({ $n } inaktiv)
js-health-manual = ({ $n } manuell)
js-health-unreachable-note = aktiv, ohne Mobilnummer, Geschäftstelefon oder E-Mail-Adresse
js-health-only-not-imported-note = ihre Nummern und Adressen hält Entra nicht mehr aktuell
js-health-applied-last-day = Übernommene Änderungen, letzte 24 Stunden
js-health-refused-last-day = Abgelehnt, letzte 24 Stunden
js-health-inactive-days = Inaktiv seit mehr als { $days } Tagen
js-health-drift-last-sent = Entra hat es zuletzt gesendet am
js-health-drift-before-selected = , bevor es hier ausgewählt wurde.
js-health-drift-not-sent = Entra hat es nicht gesendet, seit es ausgewählt wurde, obwohl es seither Personen angelegt hat (zuletzt am
js-health-drift-not-sent-end = ).
js-health-drift-sent = Entra hat es gesendet am
js-health-creates = { $n ->
        [one] 1 Anlage
       *[other] { $n } Anlagen
    }
js-health-creates-refused = aus Entra in den letzten 30 Tagen abgelehnt, weil eine andere Person den Benutzernamen trägt.
js-health-shared-has = (manuell) hat die geschäftliche E-Mail von
js-health-shared-twice = (aus Entra): dieselbe Person zweimal?
js-health-shared = { $n ->
        [one] 1 manuelle Person teilt
       *[other] { $n } manuelle Personen teilen
    } eine geschäftliche E-Mail mit einer Person aus Entra:
js-health-purge-hint = Mindestens { $days } Tage. Aus, solange Sie es nicht einschalten.
js-not-saved-yet = Noch nicht gespeichert: Klicken Sie auf „Speichern“.
js-health-purge-at-least = Mindestens { $days } Tage.
js-saving = Wird gespeichert…
js-health-purge-saved-on = Gespeichert: Personen aus Entra, die seit mehr als { $days } Tagen inaktiv sind, werden gelöscht.
js-health-purge-saved-off = Gespeichert: Niemand wird gelöscht.

## Scripts: setup
js-setup-on = Ein
js-setup-on-since = seit { $since }.
js-setup-on-since-by = seit { $since }, eingeschaltet von { $by }.
js-setup-off-since-by = seit { $since }, ausgeschaltet von { $by }.
js-setup-since = seit { $since }.
js-setup-off-held = Aus: ENS+ hat eine Massendeaktivierung angehalten
js-setup-off-failed = Aus: nach einem Fehler von ENS+ ausgeschaltet
js-setup-recurs = Diese Anfrage schlägt erneut fehl, sobald Entra sie wiederholt. Wenden Sie sich an { $contact }, bevor Sie einschalten.
js-setup-refused-while-off = { $n ->
        [one] 1 Änderung von Entra wurde abgelehnt, während der Import ausgeschaltet war; Entra wiederholt sie, nachdem Sie eingeschaltet haben.
       *[other] { $n } Änderungen von Entra wurden abgelehnt, während der Import ausgeschaltet war; Entra wiederholt sie, nachdem Sie eingeschaltet haben.
    }
js-setup-what-to-do = Was zu tun ist:
js-setup-last-request = Letzte Anfrage von Entra: { $at }.
js-setup-no-request = Noch keine Anfrage von Entra.
js-setup-last-change = Letzte übernommene Änderung: { $at }.
js-setup-no-change = Noch keine Änderung von Entra übernommen.
js-setup-entra-hint = Als Nächstes in Entra: { $hint }
js-setup-hold-summary = Seit { $since }: Entra versuchte, { $attempted } Personen innerhalb von { $minutes } Minuten von der Alarmliste zu nehmen (die Grenze war { $threshold }). { $applied } wurden übernommen; ENS+ hat die nächste angehalten, und der SCIM-Import ist aus: Jede weitere Änderung wartet in Entra.
js-setup-held-not-applied = — angehalten, nicht übernommen
js-setup-allowing = Die angehaltenen Änderungen werden zugelassen und der SCIM-Import eingeschaltet…
js-setup-allowed = Erledigt: Der SCIM-Import ist eingeschaltet, und die Wiederholungen der angehaltenen Änderungen durch Entra werden übernommen.
js-setup-stays-off = Der SCIM-Import bleibt ausgeschaltet. Korrigieren Sie die Zuweisung in Entra und schalten Sie den SCIM-Import dann hier ein.
js-setup-switching-on = SCIM-Import wird eingeschaltet…
js-setup-switching-off = SCIM-Import wird ausgeschaltet…
js-setup-switched-on = Erledigt: Der SCIM-Import ist eingeschaltet.
js-setup-switched-off = Erledigt: Der SCIM-Import ist ausgeschaltet.
js-setup-token-used = Aktuelles geheimes Token, endet auf { $ending }: erzeugt { $created }, zuletzt von Entra verwendet { $used }. ENS+ kann es nicht erneut anzeigen; erzeugen Sie es neu, wenn es verloren ist.
js-setup-token-unused = Aktuelles geheimes Token, endet auf { $ending }: erzeugt { $created }, von Entra noch nicht verwendet. ENS+ kann es nicht erneut anzeigen; erzeugen Sie es neu, wenn es verloren ist.
js-setup-no-token = Noch kein geheimes Token. Erzeugen Sie eines und tragen Sie es zusammen mit der Mandanten-URL in Entra ein.
js-setup-regenerate-token = Geheimes Token neu erzeugen
js-setup-previous-used = Vorheriges geheimes Token, endet auf { $ending }: erzeugt { $created }, zuletzt von Entra verwendet { $used }. Es hört auf zu funktionieren, sobald Entra das aktuelle Token verwendet, spätestens { $until }.
js-setup-previous-unused = Vorheriges geheimes Token, endet auf { $ending }: erzeugt { $created }, seither von Entra nicht verwendet. Es hört auf zu funktionieren, sobald Entra das aktuelle Token verwendet, spätestens { $until }.
js-setup-revoking = Das vorherige geheime Token wird widerrufen…
js-setup-revoked = Erledigt: Das vorherige geheime Token funktioniert nicht mehr.
js-setup-generating = Ein geheimes Token wird erzeugt…
js-setup-generated = Erledigt: Ein neues geheimes Token wurde erzeugt. Kopieren Sie es jetzt.
js-setup-between-persons = Zwischen { $min } und { $max } Personen.
js-setup-between-percent = Zwischen { $min } und { $max } %.
js-setup-between-minutes = Zwischen { $min } und { $max } Minuten.
js-setup-departure-defaults = Standardwerte: mehr als { $floor } Personen oder { $percent } %, falls das mehr ist, innerhalb von { $minutes } Minuten.
js-setup-limit-lifted = Die Grenze ist bis { $until } aufgehoben, wie ein Administrator es zugelassen hat.
js-setup-email-incomplete = Noch keine vollständige E-Mail-Adresse (etwa name@example.com).
js-setup-email-listed = Diese Adresse steht bereits in der Liste.
js-setup-email-looks-good = Sieht gut aus: Klicken Sie auf „Hinzufügen“.
js-setup-email-type-first = Geben Sie zuerst eine Adresse ein.
js-setup-email-added = { $address } hinzugefügt.
js-setup-delivered = An { $address } zugestellt.
js-setup-not-delivered = Nicht an { $address } zugestellt: { $error }
js-setup-unknown-error = unbekannter Fehler
js-setup-sending-test = Eine Test-E-Mail wird an jede Adresse gesendet…
js-setup-test-no-answer = Der Mailserver hat noch nicht geantwortet; das Ergebnis wird hier nicht angezeigt.
js-setup-test-result = Test-E-Mail: { $ok } von { $total } zugestellt.
language-en = Englisch
language-de = Deutsch
js-setup-notice-language-saved = Gespeichert: Benachrichtigungen werden auf { $language } geschrieben.
js-setup-mapping-not-saved = Noch nicht gespeichert: Klicken Sie auf „Felder speichern“.
js-setup-required = (erforderlich, immer importiert)
js-setup-mapping-saved = Gespeichert: { $n } von { $total } Feldern werden importiert.

## Admin API: problems (title, then -detail)
problem-invalid-request = Die Anfrage ist nicht gültig
problem-csrf = Die Anfrage hat nicht nachgewiesen, dass sie von der ENS+-Seite stammt
problem-csrf-detail = Laden Sie die Seite neu und versuchen Sie es erneut.
problem-busy = ENS+ ist ausgelastet
problem-busy-detail = Zu viele Anfragen dieser Art warten. Versuchen Sie es in einigen Sekunden erneut.
problem-throttled = Zu viele fehlgeschlagene Anmeldungen
problem-throttled-detail = Zu viele fehlgeschlagene Anmeldungen. Versuchen Sie es in { $wait } erneut.
problem-unauthenticated = Nicht angemeldet
problem-unauthenticated-detail = Sie sind nicht angemeldet, oder Ihre Sitzung ist abgelaufen
problem-invalid-credentials = Anmeldung fehlgeschlagen
problem-invalid-credentials-detail = Anmeldename oder Passwort ist falsch
problem-password-change-required = Ändern Sie zuerst Ihr Passwort
problem-password-change-required-detail = Sie müssen Ihr Einmalpasswort ändern, bevor Sie etwas anderes tun
problem-weak-password = Passwort abgelehnt
problem-weak-password-detail = Das neue Passwort ist nicht annehmbar: { $reason }
problem-not-found = Nicht gefunden
problem-not-found-detail = Hier gibt es nichts, oder es gehört nicht Ihnen.
problem-token-required = Erzeugen Sie zuerst ein geheimes Token
problem-token-required-detail = Der SCIM-Import kann erst eingeschaltet werden, wenn ein geheimes Token erzeugt wurde
problem-no-previous-token = Es gibt kein vorheriges Token
problem-no-previous-token-detail = Es gibt kein vorheriges geheimes Token: Nur das aktuelle funktioniert
problem-no-addresses = Keine Benachrichtigungsadresse
problem-no-addresses-detail = Fügen Sie zuerst mindestens eine Benachrichtigungsadresse hinzu.
problem-invalid-addresses = Einige E-Mail-Adressen sind nicht gültig
problem-invalid-departure-limit = Abgangsgrenze abgelehnt
problem-invalid-departure-limit-detail = Die Abgangsgrenze ist nicht annehmbar: { $reason }
problem-invalid-purge-rule = Löschregel abgelehnt
problem-invalid-purge-rule-detail = Personen können nach { $min } bis { $max } Tagen Inaktivität gelöscht werden
problem-no-hold = Nichts ist angehalten
problem-no-hold-detail = Es gibt keine angehaltene Massendeaktivierung zum Zulassen: Der SCIM-Import wurde nicht von der Abgangsgrenze angehalten
problem-invalid-login = Anmeldename abgelehnt
problem-invalid-login-detail = Der Anmeldename muss eine E-Mail-Adresse sein: { $reason }
problem-login-taken = Anmeldename bereits vergeben
problem-login-taken-detail = Ein anderer Administrator meldet sich bereits als { $login } an
problem-remove-self = Sie können sich nicht selbst entfernen
problem-remove-self-detail = Sie können sich nicht selbst entfernen; ein anderer Administrator kann es
problem-last-principal = Der letzte Administrator bleibt
problem-last-principal-detail = Der letzte Administrator eines Unternehmens kann nicht entfernt werden: Niemand könnte den SCIM-Import mehr einrichten
problem-mapping = Diese Felder können so nicht gewählt werden
problem-mapping-required-detail = Diese Felder sind erforderlich und können nicht abgewählt werden: { $fields }
problem-mapping-unknown-detail = Unbekanntes Feld: { $key }
problem-user-name-taken = Benutzername bereits vergeben
problem-user-name-taken-detail = Eine andere Person hat bereits den Benutzernamen { $name }
problem-imported-fields = Diese Felder kommen aus Entra
problem-imported-fields-detail = Diese Felder werden aus Entra importiert und können nur dort geändert werden: { $fields }
problem-managed-by-scim = Diese Person kommt aus Entra
problem-managed-by-scim-detail = Diese Person wird über SCIM verwaltet: Entfernen Sie sie in Entra (heben Sie die Zuweisung des Benutzers zur ENS+-Anwendung auf)
problem-invalid-value = Ein Wert ist nicht gültig
problem-conflict = Zwischenzeitlich geändert
problem-conflict-detail = Jemand hat das zwischenzeitlich geändert; laden Sie neu und versuchen Sie es erneut
problem-unavailable = ENS+ erreicht seine Datenbank nicht
problem-unavailable-detail = ENS+ erreicht seine Datenbank gerade nicht. Es wurde nichts geändert; versuchen Sie es in einer Minute erneut.
problem-internal = In ENS+ ist etwas schiefgegangen
problem-internal-detail = Auf unserer Seite ist etwas schiefgegangen. Es wurde nichts geändert; versuchen Sie es erneut und wenden Sie sich an den ENS+-Support, wenn es bestehen bleibt.
problem-json-expected = JSON erwartet
problem-json-expected-detail = Senden Sie den Anfragetext als JSON, mit Content-Type: application/json.
problem-body-too-large = Der Anfragetext ist zu groß
problem-body-too-large-detail = Der Anfragetext darf nicht größer als { $max } Bytes sein.
problem-body-too-slow = Der Anfragetext kam zu langsam an
problem-body-too-slow-detail = Der Anfragetext kam nicht innerhalb von { $seconds } Sekunden an.
problem-body-unreadable = Der Anfragetext konnte nicht gelesen werden: { $error }
problem-body-invalid = Der Anfragetext ist nicht gültig: { $error }
problem-query-invalid = Die Abfrageparameter sind nicht gültig: { $error }
problem-no-endpoint = Diesen Endpunkt der Admin-API gibt es nicht (siehe /api/v1/openapi.json).
problem-wrong-password = Falsches Passwort
problem-wrong-password-detail = Das aktuelle Passwort ist falsch.
problem-no-such-field = Es gibt kein Feld { $key }.
problem-field-type = { $key } muss eine Zeichenkette, ein Wahrheitswert oder null sein.
problem-unknown-value = Unbekannter Wert für { $what }: { $value }.
problem-search-too-long = Der Suchtext ist länger als { $max } Zeichen.
problem-cannot-sort = Nach { $value } kann nicht sortiert werden.
problem-invalid-language = Sprache abgelehnt
problem-invalid-language-detail = ENS+ schreibt Benachrichtigungen auf Englisch (en) oder Deutsch (de), nicht { $value }.
problem-test-email-sending = Eine Test-E-Mail wird gerade gesendet
problem-test-email-sending-detail = Warten Sie das Ergebnis der laufenden Test-E-Mail ab, bevor Sie eine weitere starten.
problem-test-email-too-many = Zu viele Test-E-Mails
problem-test-email-too-many-detail = Höchstens { $max } Test-E-Mails pro { $minutes } Minuten. Versuchen Sie es in { $wait } erneut.

## Admin API: values, fields, passwords
address-too-many = höchstens { $max } Adressen
weakness-too-short = es muss mindestens { $min } Zeichen haben
weakness-too-long = es darf höchstens { $max } Zeichen haben
weakness-same-as-current = es muss sich vom aktuellen unterscheiden
weakness-is-login = es darf nicht Ihr Anmeldename sein
weakness-guessable = es ist zu leicht zu erraten; verwenden Sie mehrere voneinander unabhängige Wörter oder einen Passwort-Manager
weakness-guessable-because = es ist zu leicht zu erraten ({ $hint }); verwenden Sie mehrere voneinander unabhängige Wörter oder einen Passwort-Manager
departure-error-floor = Die Anzahl Personen muss zwischen { $min } und { $max } liegen
departure-error-percent = Der Prozentsatz muss zwischen { $min } und { $max } liegen
departure-error-window = Das Zeitfenster muss zwischen { $min } und { $max } Minuten liegen
duration-seconds = { $n ->
        [one] 1 Sekunde
       *[other] { $n } Sekunden
    }
duration-minutes = { $n } Minuten
duration-hours = { $n } Stunden
duration-days = { $n } Tage

## Admin API: Setup's words
hold-choices = Wenn diese Personen wirklich gegangen sind (etwa bei einer Umstrukturierung), wählen Sie „Diese Änderungen zulassen und einschalten“ (POST /api/v1/scim-import/hold/allow): Die Grenze wird für ein Zeitfenster aufgehoben, damit die Wiederholungen von Entra durchgehen. Wenn nicht (eine Gruppe aus der Anwendung entfernt, ein Bereichsfilter versehentlich geändert), lassen Sie den SCIM-Import ausgeschaltet, korrigieren Sie zuerst die Zuweisung in Entra und schalten Sie dann den SCIM-Import ein: Entra sendet die angehaltenen Änderungen dann nicht mehr und stellt die vor dem Anhalten deaktivierten Personen in seinem nächsten Zyklus wieder her.
support-contact-default = den Betreiber dieses ENS+-Dienstes
what-to-do-switch-on = Schalten Sie den SCIM-Import ein, damit Entra die Personenliste aktualisieren kann.
what-to-do-first-token = Erzeugen Sie ein geheimes Token, tragen Sie es mit der Mandanten-URL in Entra ein und schalten Sie dann den SCIM-Import ein.
what-to-do-recurs = Diese Anfrage schlägt erneut fehl, sobald Entra sie wiederholt: Würden Sie den SCIM-Import jetzt einschalten, schaltete er sich wieder aus. Wenden Sie sich mit der Vorfallsnummer unten an { $contact }, um die Grenze erhöhen zu lassen, oder ändern Sie die Person in Entra so, dass die Anfrage innerhalb der Grenze bleibt.
what-to-do-held = ENS+ hat eine Massendeaktivierung angehalten: Entra versuchte, mehr Personen von der Alarmliste zu nehmen, als die Abgangsgrenze erlaubt. Von der angehaltenen Änderung wurde nichts übernommen. Lassen Sie die Änderungen zu und schalten Sie ein, oder korrigieren Sie die Zuweisung in Entra und schalten Sie dann ein.
what-to-do-failed = ENS+ hat den SCIM-Import ausgeschaltet, weil die Synchronisierung auf seiner Seite ausfiel. Sobald die Ursache behoben ist, schalten Sie den SCIM-Import wieder ein: Entra wiederholt dann die Änderungen, die es nicht zustellen konnte. Wenn es wieder geschieht, wenden Sie sich mit der Vorfallsnummer unten an { $contact }.
notify-warning-none = Keine Benachrichtigungsadresse: Fällt die Synchronisierung aus, erfährt niemand davon per E-Mail.
mapping-hint = Ordnen Sie in Entra dieselben Felder zu (Bereitstellung › Zuordnungen). Neu ausgewählte Felder sendet Entra erst, nachdem seine Bereitstellung neu gestartet wurde (Bereitstellung neu starten), da es nur Änderungen sendet.
restart-hint = Der SCIM-Import war für { $off_for } ausgeschaltet — länger als ein Bereitstellungszyklus von Entra (etwa 40 Minuten). Entra erhielt in dieser Zeit 503 als Antwort und hat den Bereitstellungsauftrag wahrscheinlich unter Quarantäne gestellt, sodass es nur noch alle paar Stunden oder täglich einen Versuch macht. Öffnen Sie in Entra die Unternehmensanwendung › Bereitstellung und klicken Sie auf „Bereitstellung neu starten“: Die Änderungen, die Entra zurückhält, kommen dann innerhalb von Minuten an. Unter „Letzte Anfrage von Entra“ sehen Sie hier, wann es wieder da ist.
actor-scim = SCIM (Entra)
actor-operator = Betreiber
actor-a-principal = ein Administrator
drift-advice-not-sent = wählen Sie es in der Attributzuordnung von Entra aus, oder importieren Sie es hier nicht mehr
drift-advice-not-imported = Entra sendet es: Wählen Sie es hier aus, wenn Sie es in der Personenliste haben möchten
one-time-password-warning = Geben Sie dieses Einmalpasswort dem Administrator persönlich oder telefonisch, nicht in derselben E-Mail wie den Anmeldenamen. ENS+ kann es nicht erneut anzeigen; bei der ersten Anmeldung muss ein eigenes gewählt werden.
token-warning = Kopieren Sie das Token jetzt: ENS+ speichert nur einen Fingerabdruck und kann es nicht erneut anzeigen.
token-warning-previous = Kopieren Sie das Token jetzt: ENS+ speichert nur einen Fingerabdruck und kann es nicht erneut anzeigen. Das vorherige Token (…{ $last4 }) funktioniert weiter, bis Entra dieses verwendet, oder bis { $until } — tragen Sie dieses vorher in Entra ein (Bereitstellung › Administratoranmeldeinformationen).
departure-deactivated = deaktiviert
departure-deleted = gelöscht
