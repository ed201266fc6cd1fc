//! The German catalogue (Sie-Form). Same keys as [`super::en`]; a unit test
//! checks that.

/// Key → text.
pub const MESSAGES: &[(&str, &str)] = &[
    // Shared
    ("common.sign_in", "Anmelden"),
    ("common.sign_out", "Abmelden"),
    ("common.email", "E-Mail-Adresse"),
    ("common.password", "Passwort"),
    ("common.use_passkey", "Passkey verwenden"),
    ("common.continue", "Weiter"),
    ("common.cancel", "Abbrechen"),
    ("common.allow", "Zulassen"),
    ("common.deny", "Ablehnen"),
    ("common.name", "Name"),
    ("common.role", "Rolle"),
    ("common.action", "Aktion"),
    ("common.actions", "Aktionen"),
    ("common.remove", "Entfernen"),
    ("common.back_to_sign_in", "Zurück zur Anmeldung"),
    (
        "common.signing_in_as",
        "Anmeldung als <span class=\"break\">{}</span>",
    ),
    (
        "common.signed_in_as",
        "Angemeldet als <span class=\"break\">{}</span>",
    ),
    ("common.optional", "(optional)"),
    ("common.your_account", "Ihr Konto"),
    ("common.security_title", "Anmeldung & Sicherheit"),
    ("common.security_heading", "Anmeldung &amp; Sicherheit"),
    ("common.passkeys", "Passkeys"),
    ("common.backup_codes", "Backup-Codes"),
    (
        "common.wrong_code",
        "Dieser Code hat nicht funktioniert. Bitte prüfen Sie ihn und versuchen Sie es erneut.",
    ),
    // Layout
    ("layout.skip", "Zum Inhalt springen"),
    ("layout.footer", "Geschützt durch Ostiary"),
    // Error page
    ("error.eyebrow", "Fehler {}"),
    (
        "error.request_id",
        "Anfrage-ID: <code>{}</code> – bitte geben Sie sie an, wenn Sie sich an den Support wenden.",
    ),
    ("error.back", "Zurück zur Startseite"),
    ("error.not_found", "Seite nicht gefunden"),
    (
        "error.not_found.message",
        "Unter dieser Adresse gibt es nichts.",
    ),
    ("error.conflict", "Das ist gerade nicht möglich"),
    ("error.bad_request", "Ungültige Anfrage"),
    ("error.forbidden", "Nicht erlaubt"),
    ("error.csrf", "Anfrage abgelehnt"),
    (
        "error.csrf.message",
        "Das Formular wurde nicht von dieser Website gesendet oder ist abgelaufen. Gehen Sie zurück, laden Sie die Seite neu und versuchen Sie es noch einmal.",
    ),
    ("error.overloaded", "Ausgelastet – bitte erneut versuchen"),
    (
        "error.overloaded.message",
        "Gerade werden zu viele Anmeldungen verarbeitet. Bitte versuchen Sie es gleich noch einmal.",
    ),
    ("error.unavailable", "Vorübergehend nicht verfügbar"),
    (
        "error.unavailable.message",
        "Der Dienst ist vorübergehend nicht verfügbar. Bitte versuchen Sie es in einigen Sekunden erneut.",
    ),
    ("error.mail", "E-Mail konnte nicht gesendet werden"),
    (
        "error.mail.message",
        "Wir konnten die E-Mail nicht senden. Bitte versuchen Sie es später erneut.",
    ),
    ("error.internal", "Etwas ist schiefgelaufen"),
    (
        "error.internal.message",
        "Ein unerwarteter Fehler ist aufgetreten. Bitte versuchen Sie es später erneut.",
    ),
    // Login
    (
        "login.lead",
        "Melden Sie sich mit Ihrer E-Mail-Adresse und Ihrem Passwort an.",
    ),
    ("login.email_code", "Code per E-Mail senden"),
    ("login.forgot", "Passwort vergessen?"),
    ("login.failed", "E-Mail-Adresse oder Passwort ist falsch."),
    (
        "login.passkey_failed",
        "Die Anmeldung mit dem Passkey hat nicht funktioniert. Versuchen Sie es erneut oder verwenden Sie Ihr Passwort.",
    ),
    // Second step
    ("mfa.title", "Bestätigen Sie, dass Sie es sind"),
    (
        "mfa.lead",
        "Ihr Konto ist durch einen zweiten Anmeldeschritt geschützt.",
    ),
    ("mfa.code_label", "Code aus Ihrer Authenticator-App"),
    (
        "mfa.code_hint",
        "Geben Sie den 6-stelligen Code ein, den die App anzeigt.",
    ),
    ("mfa.verify", "Bestätigen"),
    ("mfa.backup_summary", "Backup-Code verwenden"),
    ("mfa.backup_label", "Backup-Code"),
    (
        "mfa.backup_hint",
        "Jeder Backup-Code funktioniert nur einmal.",
    ),
    ("mfa.backup_button", "Backup-Code einlösen"),
    ("mfa.start_over", "Von vorn beginnen"),
    ("mfa_enroll.title", "Zweiten Anmeldeschritt einrichten"),
    (
        "mfa_enroll.lead",
        "Für diese Anmeldung ist ein zweiter Schritt erforderlich. Wählen Sie, wie Sie bestätigen möchten, dass Sie es sind.",
    ),
    ("mfa_enroll.totp", "Authenticator-App verwenden"),
    ("mfa_enroll.cancel", "Abbrechen und von vorn beginnen"),
    // Authenticator app enrolment
    ("totp.title", "Authenticator-App einrichten"),
    (
        "totp.required",
        "Ihre Organisation verlangt einen zweiten Anmeldeschritt. Richten Sie ihn ein, um fortzufahren.",
    ),
    (
        "totp.step_scan",
        "Scannen Sie diesen QR-Code mit einer Authenticator-App (zum Beispiel Aegis, 1Password, Google Authenticator oder Microsoft Authenticator).",
    ),
    (
        "totp.step_code",
        "Geben Sie den 6-stelligen Code ein, den die App anzeigt.",
    ),
    ("totp.qr_caption", "QR-Code für Ihre Authenticator-App"),
    (
        "totp.cant_scan",
        "Scannen klappt nicht? Geben Sie stattdessen den Schlüssel ein",
    ),
    (
        "totp.key_hint",
        "Einrichtungsschlüssel (zeitbasiert, 6 Ziffern, 30 Sekunden):",
    ),
    ("totp.key_label", "Einrichtungsschlüssel"),
    ("totp.code_label", "Code aus der App"),
    ("totp.submit", "Bestätigen und einschalten"),
    // Backup codes
    ("backup.title", "Ihre Backup-Codes"),
    ("backup.heading", "Speichern Sie Ihre Backup-Codes"),
    (
        "backup.lead",
        "Falls Sie Ihren Authenticator verlieren, können Sie sich mit jedem dieser Codes einmal anmelden. Sie werden nur jetzt angezeigt: Bewahren Sie sie an einem sicheren Ort auf, etwa in einem Passwort-Manager.",
    ),
    (
        "backup.hint",
        "Wenn Sie später neue Codes erstellen, werden diese hier ungültig.",
    ),
    ("backup.saved", "Ich habe meine Codes gespeichert"),
    // Consent
    ("consent.title", "Zugriff erlauben"),
    ("consent.heading", "Darf {} auf Ihr Konto zugreifen?"),
    (
        "consent.lead",
        "Die Anwendung <strong>{}</strong> auf <span class=\"app-host\">{}</span> möchte:",
    ),
    ("consent.scopes_label", "Angeforderte Berechtigungen"),
    (
        "consent.hint",
        "Ihre Entscheidung gilt für diese Anwendung, bis Sie sie auf Ihrer Kontoseite unter „Verbundene Anwendungen“ widerrufen.",
    ),
    // Device flow
    ("device.title", "Gerät verbinden"),
    ("device.to_account", "Zu Ihrem Konto"),
    (
        "device.lead",
        "Geben Sie den Code ein, den Ihr Gerät anzeigt.",
    ),
    ("device.code", "Code"),
    ("device_confirm.title", "Zugriff erlauben?"),
    ("device_confirm.heading", "{} zulassen?"),
    (
        "device_confirm.lead",
        "Ein Gerät, das den Code <strong>{}</strong> anzeigt, möchte Ihr Konto verwenden.\n    Lassen Sie das nur zu, wenn Sie den Vorgang selbst auf einem eigenen Gerät gestartet haben.",
    ),
    ("device_confirm.asks", "Angefragte Berechtigungen:"),
    // Email sign-in code
    ("email_code.title", "Code eingeben"),
    ("email_code.heading", "Prüfen Sie Ihr E-Mail-Postfach"),
    (
        "email_code.lead",
        "Falls zu dieser Adresse ein Konto existiert, haben wir einen Anmeldecode dorthin gesendet.\n    Geben Sie ihn unten ein; er ist {} Minuten lang gültig.",
    ),
    ("email_code.label", "Anmeldecode"),
    ("email_code.resend", "Neuen Code senden"),
    ("email_code.with_password", "Mit Passwort anmelden"),
    // Sign out
    ("logout.heading", "Von Ostiary abmelden?"),
    (
        "logout.lead",
        "Danach müssen Sie sich erneut anmelden, um in diesem Browser Anwendungen zu nutzen, die Ostiary verwenden.",
    ),
    (
        "end_session.lead",
        "Eine Anwendung möchte Sie abmelden. Sie sind angemeldet als <span class=\"break\">{}</span>; die Abmeldung beendet Ihre Sitzung in diesem Browser für alle Anwendungen.",
    ),
    ("end_session.stay", "Angemeldet bleiben"),
    ("logged_out.title", "Abgemeldet"),
    ("logged_out.heading", "Sie wurden abgemeldet"),
    (
        "logged_out.lead",
        "Ihre Sitzung in diesem Browser ist beendet. Sie können dieses Fenster schließen.",
    ),
    ("logged_out.again", "Erneut anmelden"),
    ("form_post.heading", "Zurück zur Anwendung"),
    (
        "form_post.lead",
        "Wählen Sie „Weiter“, um zu der Anwendung zurückzukehren, die Sie hierher geschickt hat.",
    ),
    // New password
    (
        "new_password.name",
        "Ihr Name <span class=\"muted\">(optional)</span>",
    ),
    ("new_password.label", "Neues Passwort"),
    (
        "new_password.hint",
        "Mindestens {} Zeichen, kein verbreitetes Passwort und nicht Ihre E-Mail-Adresse. Eine Passphrase aus mehreren Wörtern eignet sich gut.",
    ),
    ("new_password.repeat", "Passwort wiederholen"),
    // Passkeys
    ("passkeys.yours", "Ihre Passkeys"),
    (
        "passkeys.intro",
        "Mit einem Passkey melden Sie sich über die Bildschirmsperre Ihres Geräts oder einen Sicherheitsschlüssel an – ganz ohne Passwort. Er eignet sich auch als zweiter Faktor.",
    ),
    ("passkeys.none", "Noch keine Passkeys"),
    ("passkeys.added", "Hinzugefügt"),
    ("passkeys.last_used", "Zuletzt verwendet"),
    ("passkeys.never", "Nie"),
    ("passkeys.remove_label", "Passkey {} entfernen"),
    ("passkeys.add", "Passkey hinzufügen"),
    (
        "passkeys.unavailable",
        "Passkeys sind auf diesem Server nicht verfügbar.",
    ),
    ("passkeys.name_label", "Name des Passkeys"),
    (
        "passkeys.name_hint",
        "Zum Beispiel „Arbeitslaptop“ oder „Blauer Sicherheitsschlüssel“.",
    ),
    (
        "passkeys.noscript",
        "Um einen Passkey hinzuzufügen, muss JavaScript in diesem Browser aktiviert sein.",
    ),
    (
        "passkeys.reauth",
        "Bestätigen Sie zu Ihrer Sicherheit, dass Sie es sind, bevor Sie einen Passkey hinzufügen oder entfernen.",
    ),
    ("passkeys.confirm", "Bestätigen, dass Sie es sind"),
    ("passkeys.back", "Zurück zu Anmeldung &amp; Sicherheit"),
    // Sign-in & security
    ("security.factors", "Zweiter Anmeldeschritt"),
    (
        "security.on",
        "Die zweistufige Anmeldung ist <strong>eingeschaltet</strong>: Nach dem Passwort bestätigen Sie mit einer dieser Methoden, dass Sie es sind.",
    ),
    (
        "security.off",
        "Die zweistufige Anmeldung ist <strong>ausgeschaltet</strong>. Fügen Sie eine Authenticator-App oder einen Passkey hinzu, damit Ihr Konto auch dann geschützt ist, wenn Ihr Passwort bekannt wird.",
    ),
    ("security.method", "Methode"),
    ("security.status", "Status"),
    ("security.totp", "Authenticator-App"),
    ("security.badge_on", "eingeschaltet"),
    ("security.not_set_up", "nicht eingerichtet"),
    ("security.set_up", "Einrichten"),
    ("security.registered", "{} registriert"),
    ("security.none", "keine"),
    ("security.manage", "Verwalten"),
    ("security.left", "{} von 10 übrig"),
    ("security.none_left", "keine mehr übrig"),
    (
        "security.backup_later",
        "verfügbar, sobald ein zweiter Schritt eingeschaltet ist",
    ),
    ("security.new_codes", "Neue Codes erstellen"),
    (
        "security.reauth_hint",
        "Wenn Sie eine Methode hinzufügen oder entfernen, werden Sie erneut nach Ihrem Passwort gefragt, falls Ihre Anmeldung länger als {} Minuten zurückliegt.",
    ),
    ("security.where", "Wo Sie angemeldet sind"),
    ("security.sessions_one", "{} aktive Sitzung"),
    ("security.sessions_many", "{} aktive Sitzungen"),
    ("security.review", "Geräte prüfen oder abmelden"),
    ("security.sign_out_others", "Andere Geräte abmelden"),
    (
        "security.sign_out_others.hint",
        "Beendet alle Sitzungen außer dieser. Empfohlen, nachdem Sie Ihre Anmeldemethoden geändert haben.",
    ),
    (
        "security.others_signed_out",
        "Ihre anderen Geräte wurden abgemeldet.",
    ),
    ("security.activity", "Letzte Sicherheitsaktivitäten"),
    ("security.no_activity", "Noch keine Aktivitäten."),
    // First administrator
    ("setup.title", "Ersten Administrator anlegen"),
    (
        "setup.lead",
        "Dieses Konto wird Superuser und Eigentümer der Standardorganisation.\n    Weitere Personen einladen und zusätzliche Administratoren anlegen können Sie anschließend.",
    ),
    ("setup.token", "Setup-Token"),
    (
        "setup.token_hint",
        "Das einmalige Geheimnis dieser Installation: das konfigurierte <code>setup_token</code> oder der Token im Einrichtungslink, den der Server beim Start in sein Protokoll geschrieben hat.",
    ),
    (
        "setup.display_name",
        "Anzeigename <span class=\"optional\">(optional)</span>",
    ),
    (
        "setup.password_hint",
        "Mindestens {} Zeichen. Eine Passphrase aus mehreren Wörtern eignet sich gut.",
    ),
    ("setup.confirm", "Passwort bestätigen"),
    ("setup.submit", "Administrator anlegen"),
    ("setup_done.title", "Bereits eingerichtet"),
    ("setup_done.heading", "Ostiary ist bereits eingerichtet"),
    (
        "setup_done.lead",
        "Der erste Administrator wurde bereits angelegt, daher ist die Ersteinrichtung abgeschlossen.",
    ),
    // Account
    ("account.profile", "Profil"),
    ("account.email", "E-Mail"),
    ("account.verified", "bestätigt"),
    ("account.not_verified", "nicht bestätigt"),
    ("account.display_name", "Anzeigename"),
    ("account.not_set", "Nicht festgelegt"),
    ("account.admin", "Administrator"),
    (
        "account.security_intro",
        "Zweistufige Anmeldung (Authenticator-App, Passkeys, Backup-Codes) und letzte Sicherheitsaktivitäten.",
    ),
    (
        "account.security_manage",
        "Anmeldung &amp; Sicherheit verwalten",
    ),
    ("account.orgs", "Organisationen"),
    ("account.no_orgs", "Keine Organisationen"),
    ("account.apps", "Verbundene Anwendungen"),
    (
        "account.apps_intro",
        "Anwendungen, denen Sie den Zugriff auf Ihr Konto erlaubt haben. Wenn Sie den Zugriff widerrufen, wird die Anwendung abgemeldet und fragt beim nächsten Mal erneut.",
    ),
    ("account.no_apps", "Keine verbundenen Anwendungen"),
    ("account.application", "Anwendung"),
    ("account.permissions", "Berechtigungen"),
    ("account.allowed", "Erlaubt am"),
    ("account.revoke_label", "Zugriff von {} widerrufen"),
    ("account.revoke", "Widerrufen"),
    ("account.sessions", "Sitzungen"),
    (
        "account.sessions_intro",
        "Browser und Geräte, die derzeit bei Ihrem Konto angemeldet sind.",
    ),
    ("account.device", "Gerät"),
    ("account.ip", "IP-Adresse"),
    ("account.signed_in_with", "Angemeldet mit"),
    ("account.signed_in", "Angemeldet am"),
    ("account.last_seen", "Zuletzt aktiv"),
    ("account.this_device", "Dieses Gerät"),
    ("account.sign_out_label", "Sitzung auf {} abmelden"),
    (
        "account.revoke_all_help",
        "Beendet die Sitzungen Ihres Kontos auf allen Geräten und in allen Browsern; überall ist danach eine neue Anmeldung nötig.",
    ),
    ("account.revoke_all", "Alle Geräte abmelden"),
    ("scope.openid", "Sie mit Ihrem Ostiary-Konto anmelden"),
    ("scope.profile", "Ihren Namen und Benutzernamen sehen"),
    (
        "scope.email",
        "Ihre E-Mail-Adresse sehen und ob sie bestätigt ist",
    ),
    (
        "scope.offline_access",
        "Zugriff behalten, auch wenn Sie die Anwendung gerade nicht nutzen",
    ),
    (
        "scope.groups",
        "Ihre Organisationen und Ihre Rolle darin sehen",
    ),
    ("scope.phone", "Ihre Telefonnummer sehen"),
    ("scope.address", "Ihre Postanschrift sehen"),
    ("scope.other", "Zugriff auf „{}“"),
    (
        "event.login.failure",
        "Anmeldeversuch mit falschem Passwort",
    ),
    (
        "event.login.locked",
        "Anmeldung nach Fehlversuchen vorübergehend gesperrt",
    ),
    ("event.session.logout", "Abgemeldet"),
    ("event.session.revoked", "Eine Sitzung wurde abgemeldet"),
    ("event.session.revoke_all", "Auf allen Geräten abgemeldet"),
    ("event.mfa.verified", "Anmeldung mit einem Code bestätigt"),
    (
        "event.mfa.failed",
        "Beim zweiten Anmeldeschritt wurde ein falscher Code eingegeben",
    ),
    (
        "event.mfa.locked",
        "Zweiter Schritt nach Fehlversuchen vorübergehend gesperrt",
    ),
    ("event.mfa.enrolled", "Zweiter Anmeldeschritt hinzugefügt"),
    ("event.mfa.removed", "Zweiter Anmeldeschritt entfernt"),
    (
        "event.mfa.backup_codes_generated",
        "Neue Backup-Codes erstellt",
    ),
    (
        "event.mfa.backup_code_used",
        "Mit einem Backup-Code angemeldet",
    ),
    ("event.passkey.registered", "Passkey hinzugefügt"),
    ("event.passkey.removed", "Passkey entfernt"),
    ("event.passkey.rejected", "Ein Passkey wurde abgelehnt"),
    (
        "security.totp_enabled",
        "Ihre Authenticator-App ist eingeschaltet.",
    ),
    (
        "security.totp_removed",
        "Die Authenticator-App wurde entfernt.",
    ),
    ("amr.pwd", "Passwort"),
    ("amr.otp", "Einmalcode"),
    ("amr.passkey", "Passkey"),
    ("amr.fed", "Single Sign-on"),
    ("account.session_revoked", "Die Sitzung wurde abgemeldet."),
    (
        "account.consent_revoked",
        "Der Zugriff der Anwendung wurde widerrufen.",
    ),
    ("passkeys.added_notice", "Der Passkey wurde hinzugefügt."),
    ("passkeys.removed_notice", "Der Passkey wurde entfernt."),
    (
        "setup.already",
        "Ostiary ist bereits eingerichtet. Bitte melden Sie sich an.",
    ),
    ("setup.bad_token", "Das Setup-Token ist nicht korrekt."),
    (
        "form.name_too_long",
        "Der Name darf höchstens 200 Zeichen lang sein.",
    ),
    (
        "form.passwords_differ",
        "Die beiden Passwörter stimmen nicht überein.",
    ),
    (
        "device.not_found",
        "Dieser Code ist ungültig oder abgelaufen. Prüfen Sie den Code auf Ihrem Gerät.",
    ),
    (
        "device.too_many",
        "Zu viele Versuche. Warten Sie einige Minuten und versuchen Sie es dann erneut.",
    ),
    ("device.choose", "Wählen Sie „Zulassen“ oder „Ablehnen“."),
    (
        "device.approved",
        "Gerät zugelassen. Sie können zu Ihrem Gerät zurückkehren.",
    ),
    (
        "device.denied",
        "Anfrage abgelehnt. Das Gerät hat keinen Zugriff erhalten.",
    ),
    ("link.invalid", "Link nicht mehr gültig"),
    ("link.request_new", "Neuen Link anfordern"),
    (
        "link.invalid.reset",
        "Dieser Link zum Zurücksetzen des Passworts ist ungültig, abgelaufen oder wurde bereits verwendet. Bitte fordern Sie einen neuen an.",
    ),
    (
        "link.invalid.verify",
        "Dieser Bestätigungslink ist ungültig, abgelaufen oder wurde bereits verwendet. Bitte fordern Sie einen neuen an.",
    ),
    (
        "link.invalid.invitation",
        "Dieser Einladungslink ist ungültig, abgelaufen oder wurde bereits verwendet. Bitte fordern Sie einen neuen an.",
    ),
    ("email_login.heading", "Mit E-Mail anmelden"),
    (
        "email_login.lead",
        "Wir senden Ihnen einen Einmalcode per E-Mail, mit dem Sie sich anmelden können.",
    ),
    ("email_login.limited", "Zu viele Codes angefordert"),
    (
        "email_login.limited.message",
        "Für diese Adresse oder aus Ihrem Netzwerk wurden zu viele Anmeldecodes angefordert. Verwenden Sie den Code, den Sie bereits erhalten haben, oder versuchen Sie es in einer Stunde erneut.",
    ),
    (
        "email_login.wrong_one",
        "Dieser Code ist nicht korrekt. Noch {} Versuch.",
    ),
    (
        "email_login.wrong_many",
        "Dieser Code ist nicht korrekt. Noch {} Versuche.",
    ),
    ("email_login.expired", "Code abgelaufen"),
    (
        "email_login.expired.message",
        "Dieser Anmeldecode ist abgelaufen, wurde bereits verwendet oder zu oft falsch eingegeben. Bitte fordern Sie einen neuen an.",
    ),
    ("reset.heading", "Passwort zurücksetzen"),
    (
        "reset.lead",
        "Geben Sie Ihre E-Mail-Adresse ein. Wir senden Ihnen einen Link, über den Sie ein neues Passwort festlegen können.",
    ),
    ("reset.button", "Link senden"),
    ("reset.choose", "Neues Passwort festlegen"),
    (
        "reset.choose.lead",
        "Danach werden Sie überall abgemeldet und melden sich mit dem neuen Passwort wieder an.",
    ),
    ("reset.choose.button", "Neues Passwort speichern"),
    (
        "reset.sent",
        "Falls zu dieser Adresse ein Konto existiert, haben wir einen Link zum Festlegen eines neuen Passworts dorthin gesendet. Der Link funktioniert einmal und läuft bald ab.",
    ),
    ("reset.done", "Passwort geändert"),
    (
        "reset.done.message",
        "Ihr Passwort wurde geändert und Sie wurden überall abgemeldet. Melden Sie sich mit dem neuen Passwort an.",
    ),
    ("verify.heading", "E-Mail-Adresse bestätigen"),
    (
        "verify.gate",
        "Ihre E-Mail-Adresse ist noch nicht bestätigt, daher können Sie sich nicht anmelden. Wir können Ihnen einen Link zur Bestätigung senden.",
    ),
    ("verify.send", "Bestätigungslink senden"),
    (
        "verify.page_expired",
        "Diese Seite ist abgelaufen. Melden Sie sich erneut an, um einen Bestätigungslink zu erhalten.",
    ),
    (
        "verify.sent",
        "Wir haben einen Bestätigungslink an Ihre Adresse gesendet (falls kürzlich mehrere gesendet wurden, verwenden Sie den neuesten). Öffnen Sie ihn und melden Sie sich dann erneut an.",
    ),
    (
        "verify.confirm",
        "Bestätigen Sie, dass diese E-Mail-Adresse Ihnen gehört.",
    ),
    ("verify.confirm.button", "Meine E-Mail-Adresse bestätigen"),
    ("verify.done", "E-Mail-Adresse bestätigt"),
    (
        "verify.done.message",
        "Vielen Dank. Sie können sich jetzt anmelden.",
    ),
    ("invite.heading", "Einladung annehmen"),
    (
        "invite.create",
        "Legen Sie Ihr Konto an, um {} beizutreten.",
    ),
    ("invite.create.button", "Mein Konto anlegen"),
    ("invite.expired", "Einladung abgelaufen"),
    (
        "invite.expired.message",
        "Diese Einladung ist abgelaufen. Bitten Sie um eine neue.",
    ),
    ("invite.already", "Einladung bereits angenommen"),
    (
        "invite.already.message",
        "Diese Einladung wurde bereits angenommen. Melden Sie sich an, um fortzufahren.",
    ),
    ("invite.join", "{} beitreten als {}."),
    ("invite.join.button", "Beitreten"),
    ("invite.someone_else", "Mit einem anderen Konto angemeldet"),
    (
        "invite.other_user",
        "Diese Einladung gilt für {}. Melden Sie sich ab und öffnen Sie den Einladungslink dann erneut.",
    ),
    ("invite.sign_in", "Zum Annehmen anmelden"),
    (
        "invite.sign_in_as",
        "Melden Sie sich als {} an, um {} beizutreten.",
    ),
    ("invite.welcome", "Willkommen"),
    (
        "invite.welcome.message",
        "Ihr Konto wurde angelegt. Melden Sie sich mit Ihrer E-Mail-Adresse und Ihrem neuen Passwort an.",
    ),
    (
        "invite.wrong_user",
        "Diese Einladung gilt für eine andere (oder eine noch nicht bestätigte) E-Mail-Adresse. Melden Sie sich ab und öffnen Sie den Einladungslink dann erneut.",
    ),
    (
        "invite.sign_in_first",
        "Zu dieser E-Mail-Adresse gibt es bereits ein Konto. Melden Sie sich an und öffnen Sie den Einladungslink dann erneut.",
    ),
    (
        "js.prompt",
        "Folgen Sie den Anweisungen Ihres Browsers oder Sicherheitsschlüssels.",
    ),
    ("js.checking", "Wird geprüft …"),
    (
        "js.unsupported",
        "Dieser Browser unterstützt keine Passkeys.",
    ),
    ("js.starting", "Wird gestartet …"),
    (
        "js.cancelled",
        "Der Passkey wurde nicht verwendet. Sie können es erneut versuchen.",
    ),
    // Application context
    (
        "app.continue_to",
        "um mit <strong>{}</strong> <span class=\"app-host\">({})</span> fortzufahren",
    ),
    ("app.privacy", "Datenschutzerklärung"),
    ("app.terms", "Nutzungsbedingungen"),
    ("app.links_of", "Von {}:"),
    ("common.not_you", "Nicht Sie?"),
    // Logout requests
    ("end_session.asked_by", "Angefordert von {}"),
    // Authorization request errors
    (
        "authorize.repeated",
        "Die Anfrage enthält client_id oder redirect_uri mehrfach.",
    ),
    (
        "authorize.unknown_client",
        "Die Anwendung (client_id) ist unbekannt.",
    ),
    (
        "authorize.no_redirect",
        "Die Anfrage enthält keine redirect_uri.",
    ),
    (
        "authorize.unregistered_redirect",
        "Die redirect_uri ist für diese Anwendung nicht registriert.",
    ),
    (
        "authorize.misconfigured",
        "Die Anwendung, die Sie hierher geschickt hat, ist falsch eingerichtet; Sie wurden nicht zu ihr zurückgeleitet.",
    ),
    (
        "error.form",
        "Das Formular konnte nicht gelesen werden. Gehen Sie zurück, laden Sie die Seite neu und versuchen Sie es noch einmal.",
    ),
    ("error.query", "Die Adresse enthält ungültige Parameter."),
    // Paused sign-in
    (
        "login.throttled_minutes",
        "Zu viele Anmeldeversuche für diese Adresse. Versuchen Sie es in {} Min. erneut oder melden Sie sich mit einem Code per E-Mail an bzw. setzen Sie unten Ihr Passwort zurück.",
    ),
    (
        "login.throttled_seconds",
        "Zu viele Anmeldeversuche für diese Adresse. Warten Sie {} Sekunden und versuchen Sie es erneut oder melden Sie sich mit einem Code per E-Mail an bzw. setzen Sie unten Ihr Passwort zurück.",
    ),
    (
        "login.disabled",
        "Dieses Konto ist deaktiviert. Wenden Sie sich an Ihre Administration.",
    ),
    // Account self-service
    ("common.save", "Speichern"),
    ("common.current_password", "Aktuelles Passwort"),
    (
        "confirm.wrong_password",
        "Das aktuelle Passwort ist nicht korrekt.",
    ),
    (
        "confirm.paused",
        "Zu viele falsche Passwörter. Versuchen Sie es in {} Min. erneut.",
    ),
    ("account.profile_saved", "Ihr Profil wurde gespeichert."),
    (
        "account.phone_invalid",
        "Die Telefonnummer wurde nicht gespeichert: bitte international mit + und Ländervorwahl angeben (zum Beispiel +49 30 1234567).",
    ),
    (
        "account.address_invalid",
        "Die Adresse wurde nicht gespeichert: höchstens 200 Zeichen je Feld, keine Steuerzeichen.",
    ),
    ("account.contact", "Telefon und Adresse"),
    (
        "account.contact_intro",
        "Anwendungen, denen Sie Ihre Telefonnummer oder Adresse freigeben, erhalten diese Angaben.",
    ),
    ("account.phone_number", "Telefonnummer"),
    ("account.street_address", "Straße und Hausnummer"),
    ("account.postal_code", "Postleitzahl"),
    ("account.locality", "Ort"),
    ("account.region", "Bundesland oder Region"),
    ("account.country", "Land"),
    (
        "account.name_invalid",
        "Der Anzeigename wurde nicht gespeichert: höchstens 200 Zeichen, keine Steuerzeichen.",
    ),
    ("account.change_email", "Ändern"),
    ("account.change_password", "Passwort ändern"),
    ("account.set_password", "Passwort festlegen"),
    (
        "account.delete_intro",
        "Wenn Sie Ihr Konto löschen, werden Sie überall abgemeldet und verlieren den Zugang zu allen Anwendungen.",
    ),
    ("change_password.title", "Passwort ändern"),
    (
        "change_password.lead",
        "Alle anderen Geräte werden abgemeldet, und Sie erhalten eine E-Mail darüber.",
    ),
    ("change_password.submit", "Passwort ändern"),
    (
        "security.password_changed",
        "Ihr Passwort wurde geändert. Alle anderen Geräte wurden abgemeldet.",
    ),
    ("email_change.title", "E-Mail-Adresse ändern"),
    (
        "email_change.lead",
        "Sie melden sich mit <span class=\"break\">{}</span> an. Wir senden einen Link an die neue Adresse; sie ändert sich erst, wenn Sie ihn öffnen.",
    ),
    ("email_change.new", "Neue E-Mail-Adresse"),
    (
        "email_change.hint",
        "Ihre bisherige Adresse wird über die Änderung informiert und kann sie rückgängig machen.",
    ),
    ("email_change.submit", "Bestätigungslink senden"),
    ("email_change.same", "Das ist bereits Ihre E-Mail-Adresse."),
    (
        "email_change.sent",
        "Sofern {} verwendet werden kann, ist ein Bestätigungslink dorthin unterwegs. Bis Sie ihn öffnen, verwendet Ihr Konto weiterhin {}.",
    ),
    ("email_change.confirm.heading", "Neue Adresse verwenden?"),
    (
        "email_change.confirm",
        "Ihr Konto meldet sich ab jetzt mit {} an.",
    ),
    ("email_change.confirm.button", "Diese Adresse verwenden"),
    ("email_change.done", "E-Mail-Adresse geändert"),
    (
        "email_change.done.message",
        "Ihr Konto verwendet jetzt {}. Ihre bisherige Adresse wurde informiert.",
    ),
    ("email_change.taken", "Adresse nicht verfügbar"),
    (
        "email_change.taken.message",
        "Diese Adresse wird inzwischen von einem anderen Konto verwendet. Es wurde nichts geändert.",
    ),
    ("email_change.again", "Andere Adresse versuchen"),
    (
        "email_change.undo.heading",
        "E-Mail-Änderung rückgängig machen?",
    ),
    (
        "email_change.undo.confirm",
        "Ihr Konto erhält wieder {}, alle Geräte werden abgemeldet und Sie erhalten einen Link, um ein neues Passwort zu wählen.",
    ),
    ("email_change.undo.button", "Änderung rückgängig machen"),
    ("email_change.undone", "Änderung rückgängig gemacht"),
    (
        "email_change.undone.message",
        "Ihr Konto verwendet wieder {}, und alle Geräte wurden abgemeldet. In diesem Postfach finden Sie einen Link, um ein neues Passwort zu wählen.",
    ),
    (
        "email_change.undone.taken",
        "Alle Geräte wurden abgemeldet, aber die bisherige Adresse gehört inzwischen zu einem anderen Konto und konnte nicht wiederhergestellt werden. Wenden Sie sich an Ihre Administration.",
    ),
    (
        "link.invalid.email_change",
        "Dieser Link zur E-Mail-Änderung ist ungültig, abgelaufen oder wurde bereits verwendet.",
    ),
    ("delete.title", "Konto löschen"),
    (
        "delete.lead",
        "Damit wird das Konto <span class=\"break\">{}</span> gelöscht:",
    ),
    (
        "delete.what.sign_in",
        "Sie können sich nicht mehr anmelden, und alle Geräte werden abgemeldet.",
    ),
    (
        "delete.what.apps",
        "Alle Anwendungen verlieren den Zugriff auf Ihr Konto.",
    ),
    (
        "delete.what.address",
        "Ihre E-Mail-Adresse wird für ein neues Konto frei.",
    ),
    (
        "delete.understand",
        "Mir ist klar, dass ich das nicht selbst rückgängig machen kann.",
    ),
    ("delete.submit", "Mein Konto löschen"),
    (
        "delete.tick",
        "Bitte setzen Sie das Häkchen zur Bestätigung.",
    ),
    ("delete.done", "Konto gelöscht"),
    (
        "delete.done.message",
        "Ihr Konto wurde gelöscht, und alle Geräte wurden abgemeldet.",
    ),
    (
        "delete.last_admin",
        "Sie sind die einzige Administratorin bzw. der einzige Administrator. Ernennen Sie zuerst eine weitere Person, bevor Sie Ihr Konto löschen.",
    ),
    // Security activity
    ("event.login.password", "Mit Ihrem Passwort angemeldet"),
    (
        "event.login.email_code",
        "Mit einem Code per E-Mail angemeldet",
    ),
    ("event.login.passkey", "Mit einem Passkey angemeldet"),
    (
        "event.login.while_paused",
        "Anmeldung abgelehnt, während die Anmeldung pausiert war",
    ),
    (
        "event.login.disabled",
        "Anmeldung abgelehnt: Das Konto ist deaktiviert",
    ),
    (
        "event.session.revoke_others",
        "Alle anderen Geräte abgemeldet",
    ),
    (
        "event.mfa.verified_passkey",
        "Anmeldung mit einem Passkey bestätigt",
    ),
    (
        "event.email_code.failed",
        "Ein falscher Anmeldecode aus einer E-Mail wurde eingegeben",
    ),
    (
        "event.password_reset.requested",
        "Link zum Zurücksetzen des Passworts gesendet",
    ),
    (
        "event.password_reset.completed",
        "Passwort über einen Link per E-Mail zurückgesetzt",
    ),
    ("event.password.changed", "Passwort geändert"),
    (
        "event.password.confirm_failed",
        "Beim Ändern des Kontos wurde ein falsches aktuelles Passwort eingegeben",
    ),
    (
        "event.email_change.requested",
        "Änderung der E-Mail-Adresse angefordert",
    ),
    ("event.email_change.completed", "E-Mail-Adresse geändert"),
    (
        "event.email_change.reported",
        "E-Mail-Änderung von der bisherigen Adresse rückgängig gemacht",
    ),
    ("event.email.verified", "E-Mail-Adresse bestätigt"),
    ("event.device.approved", "Einem Gerät die Anmeldung erlaubt"),
    (
        "event.consent.granted",
        "Einer Anwendung den Zugriff auf Ihr Konto erlaubt",
    ),
    (
        "event.consent.revoked",
        "Den Zugriff einer Anwendung entfernt",
    ),
    // Backup codes file
    ("backup.download", "Herunterladen"),
    ("backup.copy", "Kopieren"),
    ("backup.copied", "In die Zwischenablage kopiert."),
    (
        "backup.copy_failed",
        "Kopieren hat nicht funktioniert. Markieren und kopieren Sie die Codes selbst.",
    ),
    ("backup.file_heading", "Ostiary-Backup-Codes"),
    (
        "backup.file_hint",
        "Jeder Code gilt einmal, anstelle Ihrer Authenticator-App oder Ihres Passkeys.",
    ),
    // Account chooser
    ("select.title", "Konto auswählen"),
    ("select.accounts", "In diesem Browser angemeldete Konten"),
    ("select.signed_in", "angemeldet"),
    ("select.another", "Anderes Konto verwenden"),
    // Account switch
    ("account.switch", "Konto wechseln"),
    // Authorization request limits
    (
        "authorize.too_many",
        "Die Anfrage enthält zu viele Parameter.",
    ),
    (
        "authorize.par_invalid",
        "Diese Anmeldeanfrage ist abgelaufen oder wurde schon verwendet. Kehren Sie zur Anwendung zurück und beginnen Sie neu.",
    ),
    // Sign out everywhere
    (
        "account.disconnect_apps",
        "Auch Anwendungen trennen (sie verlieren den erteilten Offline-Zugriff)",
    ),
    // Password rules
    (
        "password.too_long",
        "Passwörter dürfen höchstens {} Bytes lang sein.",
    ),
    (
        "password.too_short",
        "Wählen Sie ein Passwort mit mindestens {} Zeichen.",
    ),
    (
        "password.control",
        "Passwörter dürfen keine Steuerzeichen enthalten.",
    ),
    (
        "password.common",
        "Dieses Passwort ist zu verbreitet oder leicht zu erraten. Eine Passphrase aus mehreren unzusammenhängenden Wörtern eignet sich gut.",
    ),
    (
        "password.personal",
        "Bauen Sie das Passwort nicht auf Ihrer E-Mail-Adresse oder dem Namen dieses Dienstes oder der Organisation auf.",
    ),
    // Federated sign-in (S7)
    // SAML single logout (S7)
    ("saml.slo_failed", "Hier abgemeldet"),
    (
        "saml.slo_failed_lead",
        "Sie sind bei diesem Dienst abgemeldet. Der Identitätsanbieter hat nicht bestätigt, dass er Sie ebenfalls abgemeldet hat: Schließen Sie den Browser oder melden Sie sich beim Identitätsanbieter ab.",
    ),
    ("fed.failed", "Die Anmeldung hat nicht geklappt"),
    ("fed.back", "Zurück zur Anmeldung"),
    (
        "fed.provider_unavailable",
        "Diese Anmeldeoption ist nicht verfügbar. Wählen Sie einen anderen Weg.",
    ),
    (
        "fed.upstream_unreachable",
        "Der Anmeldedienst war nicht erreichbar. Versuchen Sie es gleich noch einmal oder wählen Sie einen anderen Weg.",
    ),
    (
        "fed.state_invalid",
        "Diese Anmeldung ist abgelaufen oder wurde in einem anderen Browser begonnen. Beginnen Sie erneut auf der Anmeldeseite.",
    ),
    (
        "fed.upstream_denied",
        "Die Anmeldung wurde beim Anbieter abgebrochen oder abgelehnt.",
    ),
    (
        "fed.upstream_rejected",
        "Die Antwort des Anbieters ließ sich nicht prüfen. Beginnen Sie erneut oder wählen Sie einen anderen Weg.",
    ),
    (
        "fed.internal",
        "Bei uns ist etwas schiefgegangen. Versuchen Sie es gleich noch einmal.",
    ),
    (
        "fed.no_account",
        "Für Sie gibt es hier noch kein Konto. Bitten Sie eine Administratorin oder einen Administrator um eine Einladung.",
    ),
    (
        "fed.email_missing",
        "Der Anbieter hat keine E-Mail-Adresse übermittelt, daher konnte kein Konto angelegt werden. Erlauben Sie dort den Zugriff auf Ihre E-Mail-Adresse und versuchen Sie es erneut.",
    ),
    (
        "fed.account_locked",
        "Dieses Konto ist gesperrt. Wenden Sie sich an die Administration.",
    ),
    (
        "fed.account_unavailable",
        "Dieses Konto ist nicht verfügbar. Wenden Sie sich an die Administration.",
    ),
    (
        "fed.provider_disabled",
        "Diese Anmeldeoption wurde abgeschaltet. Wählen Sie einen anderen Weg.",
    ),
    (
        "fed.link_required",
        "Ein Konto mit dieser E-Mail-Adresse gibt es bereits. Melden Sie sich mit Passwort, Passkey oder E-Mail-Code daran an und verknüpfen Sie dann diesen Anbieter auf Ihrer Kontoseite.",
    ),
    ("fed.continue_title", "Weiter zur Anmeldung"),
    (
        "fed.continue_lead",
        "Sie werden zur Anmeldeseite Ihrer Organisation weitergeleitet.",
    ),
    ("fed.continue", "Weiter"),
    (
        "fed.too_many_starts",
        "Von Ihrem Netzwerk wurden zu viele Anmeldungen begonnen. Warten Sie einige Minuten und versuchen Sie es dann erneut.",
    ),
    (
        "fed.link_session_changed",
        "Sie sind nicht mehr bei dem Konto angemeldet, das die Verknüpfung begonnen hat. Melden Sie sich an und beginnen Sie erneut auf Ihrer Kontoseite.",
    ),
    (
        "fed.identity_in_use",
        "Dieses Konto beim Anbieter meldet bereits ein anderes Konto hier an. Lösen Sie die Verknüpfung zuerst dort.",
    ),
    ("account.providers_heading", "Anmeldeanbieter"),
    (
        "account.providers_intro",
        "Konten bei anderen Diensten, mit denen Sie sich hier anmelden.",
    ),
    (
        "account.providers_none",
        "Mit diesem Konto ist kein Anbieter verknüpft.",
    ),
    ("account.provider", "Anbieter"),
    ("account.provider_account", "Konto dort"),
    ("account.linked_since", "Verknüpft"),
    ("account.last_used", "Zuletzt genutzt"),
    ("account.never", "Nie"),
    ("account.unlink", "Trennen"),
    ("account.unlink_label", "{} trennen"),
    ("account.link_heading", "Weiteren Anbieter verknüpfen"),
    ("account.link_label", "{} verknüpfen"),
    (
        "account.provider_linked",
        "Der Anbieter ist verknüpft: Sie können sich jetzt damit anmelden.",
    ),
    (
        "account.provider_already_linked",
        "Dieses Konto beim Anbieter war bereits verknüpft.",
    ),
    (
        "account.provider_unlinked",
        "Die Verknüpfung mit dem Anbieter ist gelöst.",
    ),
    (
        "account.passkey_last_method",
        "Dieser Passkey ist Ihr einziger Weg, sich anzumelden. Legen Sie zuerst ein Passwort fest und entfernen Sie ihn dann.",
    ),
    (
        "account.provider_last_method",
        "Das ist Ihr einziger Weg, sich anzumelden. Legen Sie zuerst ein Passwort oder einen Passkey an.",
    ),
    (
        "login.password_needed",
        "Geben Sie Ihr Passwort ein, um sich mit dieser Adresse anzumelden.",
    ),
    (
        "login.sso_hint",
        "Meldet Ihre Organisation Sie an, lassen Sie das Passwort leer: Sie werden zu ihrer Anmeldeseite geleitet.",
    ),
    ("login.providers", "Oder anmelden mit"),
    // LDAP / Active Directory sign-in (S7)
    (
        "login.directory_password_needed",
        "Ihre Organisation meldet Sie über ihr Verzeichnis an: Geben Sie Ihr Verzeichnis-Passwort ein.",
    ),
    ("login.directory_heading", "Mit {} anmelden"),
    (
        "login.directory_lead",
        "Verwenden Sie Benutzernamen und Passwort aus dem Verzeichnis Ihrer Organisation.",
    ),
    ("login.directory_username", "Benutzername"),
    (
        "login.directory_username_hint",
        "Ihr Benutzername im Verzeichnis oder Ihre Adresse.",
    ),
    ("login.directory_back", "Zurück zu den Anmeldeoptionen"),
    (
        "login.directory_unavailable",
        "Die Anmeldung ist gerade nicht möglich. Versuchen Sie es gleich noch einmal.",
    ),
    (
        "fed.ldap_account_disabled",
        "Ihr Verzeichniskonto ist deaktiviert. Wenden Sie sich an Ihre Administration.",
    ),
    (
        "fed.ldap_account_locked",
        "Ihr Verzeichniskonto ist gesperrt. Wenden Sie sich an Ihre Administration oder versuchen Sie es später erneut.",
    ),
    (
        "fed.ldap_account_expired",
        "Ihr Verzeichniskonto ist abgelaufen. Wenden Sie sich an Ihre Administration.",
    ),
    (
        "fed.ldap_password_expired",
        "Ihr Verzeichnis-Passwort ist abgelaufen oder muss geändert werden. Ändern Sie es zuerst bei Ihrer Organisation.",
    ),
    (
        "fed.ldap_logon_restricted",
        "Ihr Verzeichniskonto darf sich zu dieser Zeit oder von hier nicht anmelden. Wenden Sie sich an Ihre Administration.",
    ),
];
