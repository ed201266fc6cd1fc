//! The console's users messages (keys `admin.users.*`, and the users
//! area's `admin.notice.user_*` / `admin.error.user_*`), English then
//! German.

/// English.
pub const EN: &[(&str, &str)] = &[
    ("admin.users.title", "Users"),
    ("admin.users.new", "Create user"),
    ("admin.users.invite", "Invite"),
    ("admin.users.search_placeholder", "Name or email address"),
    (
        "admin.users.search_hint",
        "Matches from the start of a name, a word of it or an address; *text* anywhere, \"text\" exactly.",
    ),
    ("admin.users.status.all", "All"),
    ("admin.users.status.disabled", "Disabled"),
    (
        "admin.users.none_yet",
        "No users yet. Create one or invite someone.",
    ),
    ("admin.users.pages", "Pages"),
    ("admin.users.name", "Name"),
    ("admin.users.no_name", "(no name)"),
    ("admin.users.email", "Email address"),
    ("admin.users.verified", "Verified"),
    ("admin.users.unverified", "Not verified"),
    ("admin.users.organizations", "Organizations"),
    ("admin.users.organization", "Organization"),
    ("admin.users.role", "Role"),
    ("admin.users.role.member", "Member"),
    ("admin.users.role.admin", "Admin"),
    ("admin.users.role.auditor", "Auditor"),
    ("admin.users.role.owner", "Owner"),
    ("admin.users.active", "Active"),
    ("admin.users.disabled", "Disabled"),
    ("admin.users.paused", "Sign-in paused"),
    ("admin.users.superuser", "Superuser"),
    ("admin.users.you", "You"),
    (
        "admin.users.protected",
        "Only a superuser can change this account: it is a superuser, an owner or also a member of another organization.",
    ),
    // The user's page: helping someone sign in.
    ("admin.users.help.heading", "Sign-in status"),
    ("admin.users.help.account", "Account"),
    ("admin.users.help.active", "Active: can sign in"),
    ("admin.users.help.disabled", "Disabled: cannot sign in"),
    ("admin.users.help.sign_in", "Failed sign-ins"),
    (
        "admin.users.help.paused_until",
        "Sign-in paused after failed attempts, until {}",
    ),
    ("admin.users.help.failures", "{} recent failed attempts"),
    ("admin.users.help.no_failures", "None recently"),
    ("admin.users.help.factors", "Second factors"),
    (
        "admin.users.help.factors_on",
        "Set up: a lost device needs a reset",
    ),
    ("admin.users.help.factors_off", "None set up"),
    ("admin.users.help.sessions", "Signed in now: {}"),
    ("admin.users.action.enable", "Enable"),
    ("admin.users.action.disable", "Disable…"),
    ("admin.users.action.unlock", "Unlock"),
    ("admin.users.action.reset_mfa", "Reset MFA…"),
    ("admin.users.action.verify_email", "Mark as verified"),
    ("admin.users.action.revoke_sessions", "Sign out everywhere…"),
    ("admin.users.action.end_session", "End session"),
    ("admin.users.action.delete", "Delete user…"),
    (
        "admin.users.confirm.disable",
        "Disable this account? The person is signed out everywhere, applications lose access and nobody can sign in to it until it is enabled again.",
    ),
    (
        "admin.users.confirm.reset_mfa",
        "Remove every second factor (authenticator app, passkeys, backup codes) and sign the person out? They set up a new one at their next sign-in.",
    ),
    (
        "admin.users.confirm.revoke_sessions",
        "Sign this person out on every device and end the access of their applications?",
    ),
    (
        "admin.users.confirm.delete",
        "Delete this account? It can no longer sign in, its sessions end and linked sign-in providers are unlinked. A superuser can restore it.",
    ),
    ("admin.users.end_session_label", "End the session on {}"),
    ("admin.users.actions", "Actions"),
    // Profile and the rest of the page.
    ("admin.users.profile", "Profile"),
    ("admin.users.edit", "Edit"),
    ("admin.users.password", "Password"),
    ("admin.users.password_set", "Set"),
    (
        "admin.users.password_none",
        "None (email code or a sign-in provider)",
    ),
    ("admin.users.updated", "Last changed"),
    ("admin.users.id", "User ID"),
    ("admin.users.factors", "Second factors"),
    ("admin.users.totp", "Authenticator app"),
    ("admin.users.on", "On"),
    ("admin.users.off", "Off"),
    ("admin.users.backup_codes", "Backup codes"),
    ("admin.users.codes_left", "Unused: {}"),
    ("admin.users.passkeys", "Passkeys"),
    ("admin.users.added", "added {}"),
    ("admin.users.last_used", "last used {}"),
    ("admin.users.identities", "Linked sign-in providers"),
    (
        "admin.users.identities_none",
        "No sign-in provider is linked to this account.",
    ),
    ("admin.users.provider", "Provider"),
    ("admin.users.upstream_account", "Account there"),
    ("admin.users.linked", "Linked"),
    ("admin.users.last_sign_in", "Last sign-in"),
    ("admin.users.never", "Never"),
    ("admin.users.sessions", "Sessions"),
    ("admin.users.sessions_none", "Not signed in anywhere."),
    ("admin.users.device", "Device"),
    ("admin.users.ip", "IP address"),
    ("admin.users.methods", "Signed in with"),
    ("admin.users.signed_in", "Signed in"),
    ("admin.users.last_seen", "Last seen"),
    ("admin.users.consents", "Applications allowed"),
    (
        "admin.users.consents_none",
        "This person has not allowed any application yet.",
    ),
    ("admin.users.application", "Application"),
    ("admin.users.scopes", "Permissions"),
    ("admin.users.since", "Since"),
    ("admin.users.events", "Recent activity"),
    ("admin.users.events_none", "Nothing recorded yet."),
    ("admin.users.all_events", "All activity in the audit log"),
    ("admin.users.when", "When"),
    ("admin.users.event", "Event"),
    ("admin.users.outcome", "Outcome"),
    ("admin.users.success", "Success"),
    ("admin.users.failure", "Failure"),
    ("admin.users.actor", "By"),
    ("admin.users.by_user", "This user"),
    ("admin.users.by_you", "You"),
    ("admin.users.delete_heading", "Delete"),
    (
        "admin.users.delete_intro",
        "Deleting ends every session and unlinks sign-in providers. A superuser can restore the account later.",
    ),
    ("admin.users.deleted_heading", "This account is deleted"),
    (
        "admin.users.deleted_intro",
        "It cannot sign in and other administrators do not see it. Restoring brings it back as it was, without sessions.",
    ),
    // Edit.
    ("admin.users.edit_title", "Edit user"),
    (
        "admin.users.email_change_hint",
        "A new address counts as not verified until the person confirms it or you mark it verified.",
    ),
    (
        "admin.users.superuser_hint",
        "Superusers administer all of Ostiary: every organization, application and setting.",
    ),
    // Create and invite.
    ("admin.users.new_title", "Create user"),
    (
        "admin.users.new_intro",
        "The account exists right away. Without a password, the person signs in with an email code or a sign-in provider, or sets one with “Forgot password”.",
    ),
    ("admin.users.invite_instead", "Invite by email instead"),
    ("admin.users.optional", "(optional)"),
    (
        "admin.users.password_hint",
        "Leave empty to let the person choose one.",
    ),
    ("admin.users.no_organization", "No organization"),
    ("admin.users.choose_organization", "Choose…"),
    ("admin.users.verified_field", "Email address is verified"),
    (
        "admin.users.verified_hint",
        "Tick this when you know the address belongs to the person.",
    ),
    ("admin.users.create", "Create user"),
    ("admin.users.invite_title", "Invite someone"),
    (
        "admin.users.invite_intro",
        "The person gets an email with a link to join the organization with this role; they create their account from it.",
    ),
    (
        "admin.users.invite_no_organization",
        "Invitations are to an organization, and there is none yet.",
    ),
    ("admin.users.send_invitation", "Send invitation"),
    ("admin.users.invited_title", "Invitation created"),
    (
        "admin.users.invited_sent",
        "An invitation was emailed to {}.",
    ),
    (
        "admin.users.invited_not_sent",
        "No email could be sent to {} (email delivery is not set up or failed). Send them this link yourself.",
    ),
    ("admin.users.expires", "Link works until"),
    ("admin.users.invitation_link", "Invitation link"),
    ("admin.users.back_to_list", "Back to users"),
    ("admin.users.invite_another", "Invite someone else"),
    // Field errors.
    (
        "admin.users.error.email",
        "Enter an email address like name@example.com.",
    ),
    (
        "admin.users.error.name",
        "Use at most 200 characters and no control characters.",
    ),
    ("admin.users.error.role", "Choose one of the roles offered."),
    (
        "admin.users.error.organization",
        "Choose an organization you administer.",
    ),
    (
        "admin.users.error.needs_global",
        "Only a superuser can give this.",
    ),
    // Outcomes of actions.
    ("admin.notice.user_created", "The user was created."),
    ("admin.notice.user_updated", "Saved."),
    (
        "admin.notice.user_disabled",
        "The account is disabled and signed out everywhere.",
    ),
    (
        "admin.notice.user_enabled",
        "The account is enabled: the person can sign in again.",
    ),
    (
        "admin.notice.user_unlocked",
        "Unlocked: failed sign-in attempts are forgotten.",
    ),
    (
        "admin.notice.user_email_verified",
        "The email address now counts as verified.",
    ),
    (
        "admin.notice.user_mfa_reset",
        "Second factors removed and sessions ended. The person sets up a new one at the next sign-in.",
    ),
    (
        "admin.notice.user_sessions_revoked",
        "Signed out everywhere.",
    ),
    ("admin.notice.user_session_ended", "The session was ended."),
    ("admin.notice.user_deleted", "The user was deleted."),
    ("admin.notice.user_restored", "The user was restored."),
    (
        "admin.error.user_protected",
        "Only a superuser can change this account: it is a superuser, an owner or also a member of another organization.",
    ),
    (
        "admin.error.user_needs_global",
        "Only a superuser can do this.",
    ),
    (
        "admin.error.user_itself",
        "You cannot do this to your own account.",
    ),
    (
        "admin.error.user_email_taken",
        "Another account already uses this email address.",
    ),
    (
        "admin.error.user_last_superuser",
        "This is the last superuser: make someone else a superuser first.",
    ),
];

/// German (Sie-Form).
pub const DE: &[(&str, &str)] = &[
    ("admin.users.title", "Benutzer"),
    ("admin.users.new", "Benutzer anlegen"),
    ("admin.users.invite", "Einladen"),
    ("admin.users.search_placeholder", "Name oder E-Mail-Adresse"),
    (
        "admin.users.search_hint",
        "Sucht ab dem Anfang eines Namens, eines seiner Wörter oder einer Adresse; *Text* überall, \"Text\" genau.",
    ),
    ("admin.users.status.all", "Alle"),
    ("admin.users.status.disabled", "Deaktiviert"),
    (
        "admin.users.none_yet",
        "Noch keine Benutzer. Legen Sie einen an oder laden Sie jemanden ein.",
    ),
    ("admin.users.pages", "Seiten"),
    ("admin.users.name", "Name"),
    ("admin.users.no_name", "(ohne Namen)"),
    ("admin.users.email", "E-Mail-Adresse"),
    ("admin.users.verified", "Bestätigt"),
    ("admin.users.unverified", "Nicht bestätigt"),
    ("admin.users.organizations", "Organisationen"),
    ("admin.users.organization", "Organisation"),
    ("admin.users.role", "Rolle"),
    ("admin.users.role.member", "Mitglied"),
    ("admin.users.role.admin", "Administrator"),
    ("admin.users.role.auditor", "Prüfer"),
    ("admin.users.role.owner", "Inhaber"),
    ("admin.users.active", "Aktiv"),
    ("admin.users.disabled", "Deaktiviert"),
    ("admin.users.paused", "Anmeldung pausiert"),
    ("admin.users.superuser", "Superuser"),
    ("admin.users.you", "Sie"),
    (
        "admin.users.protected",
        "Nur ein Superuser kann dieses Konto ändern: Es ist ein Superuser, ein Inhaber oder auch Mitglied einer anderen Organisation.",
    ),
    ("admin.users.help.heading", "Anmeldestatus"),
    ("admin.users.help.account", "Konto"),
    ("admin.users.help.active", "Aktiv: kann sich anmelden"),
    (
        "admin.users.help.disabled",
        "Deaktiviert: kann sich nicht anmelden",
    ),
    ("admin.users.help.sign_in", "Fehlgeschlagene Anmeldungen"),
    (
        "admin.users.help.paused_until",
        "Anmeldung nach Fehlversuchen pausiert, bis {}",
    ),
    (
        "admin.users.help.failures",
        "{} Fehlversuche in letzter Zeit",
    ),
    ("admin.users.help.no_failures", "Keine in letzter Zeit"),
    ("admin.users.help.factors", "Zweite Faktoren"),
    (
        "admin.users.help.factors_on",
        "Eingerichtet: Ein verlorenes Gerät braucht ein Zurücksetzen",
    ),
    ("admin.users.help.factors_off", "Keine eingerichtet"),
    ("admin.users.help.sessions", "Jetzt angemeldet: {}"),
    ("admin.users.action.enable", "Aktivieren"),
    ("admin.users.action.disable", "Deaktivieren …"),
    ("admin.users.action.unlock", "Entsperren"),
    ("admin.users.action.reset_mfa", "MFA zurücksetzen …"),
    ("admin.users.action.verify_email", "Als bestätigt markieren"),
    ("admin.users.action.revoke_sessions", "Überall abmelden …"),
    ("admin.users.action.end_session", "Sitzung beenden"),
    ("admin.users.action.delete", "Benutzer löschen …"),
    (
        "admin.users.confirm.disable",
        "Dieses Konto deaktivieren? Die Person wird überall abgemeldet, Anwendungen verlieren den Zugriff, und niemand kann sich anmelden, bis es wieder aktiviert ist.",
    ),
    (
        "admin.users.confirm.reset_mfa",
        "Alle zweiten Faktoren (Authenticator-App, Passkeys, Backup-Codes) entfernen und die Person abmelden? Bei der nächsten Anmeldung richtet sie einen neuen ein.",
    ),
    (
        "admin.users.confirm.revoke_sessions",
        "Diese Person auf allen Geräten abmelden und den Zugriff ihrer Anwendungen beenden?",
    ),
    (
        "admin.users.confirm.delete",
        "Dieses Konto löschen? Es kann sich nicht mehr anmelden, seine Sitzungen enden und verknüpfte Anmeldeanbieter werden getrennt. Ein Superuser kann es wiederherstellen.",
    ),
    ("admin.users.end_session_label", "Sitzung auf {} beenden"),
    ("admin.users.actions", "Aktionen"),
    ("admin.users.profile", "Profil"),
    ("admin.users.edit", "Bearbeiten"),
    ("admin.users.password", "Passwort"),
    ("admin.users.password_set", "Gesetzt"),
    (
        "admin.users.password_none",
        "Keins (E-Mail-Code oder Anmeldeanbieter)",
    ),
    ("admin.users.updated", "Zuletzt geändert"),
    ("admin.users.id", "Benutzer-ID"),
    ("admin.users.factors", "Zweite Faktoren"),
    ("admin.users.totp", "Authenticator-App"),
    ("admin.users.on", "An"),
    ("admin.users.off", "Aus"),
    ("admin.users.backup_codes", "Backup-Codes"),
    ("admin.users.codes_left", "Unbenutzt: {}"),
    ("admin.users.passkeys", "Passkeys"),
    ("admin.users.added", "hinzugefügt {}"),
    ("admin.users.last_used", "zuletzt benutzt {}"),
    ("admin.users.identities", "Verknüpfte Anmeldeanbieter"),
    (
        "admin.users.identities_none",
        "Mit diesem Konto ist kein Anmeldeanbieter verknüpft.",
    ),
    ("admin.users.provider", "Anbieter"),
    ("admin.users.upstream_account", "Konto dort"),
    ("admin.users.linked", "Verknüpft"),
    ("admin.users.last_sign_in", "Letzte Anmeldung"),
    ("admin.users.never", "Nie"),
    ("admin.users.sessions", "Sitzungen"),
    ("admin.users.sessions_none", "Nirgends angemeldet."),
    ("admin.users.device", "Gerät"),
    ("admin.users.ip", "IP-Adresse"),
    ("admin.users.methods", "Angemeldet mit"),
    ("admin.users.signed_in", "Angemeldet"),
    ("admin.users.last_seen", "Zuletzt aktiv"),
    ("admin.users.consents", "Erlaubte Anwendungen"),
    (
        "admin.users.consents_none",
        "Diese Person hat noch keiner Anwendung etwas erlaubt.",
    ),
    ("admin.users.application", "Anwendung"),
    ("admin.users.scopes", "Berechtigungen"),
    ("admin.users.since", "Seit"),
    ("admin.users.events", "Letzte Aktivität"),
    ("admin.users.events_none", "Noch nichts aufgezeichnet."),
    (
        "admin.users.all_events",
        "Alle Aktivität im Audit-Protokoll",
    ),
    ("admin.users.when", "Wann"),
    ("admin.users.event", "Ereignis"),
    ("admin.users.outcome", "Ergebnis"),
    ("admin.users.success", "Erfolg"),
    ("admin.users.failure", "Fehlschlag"),
    ("admin.users.actor", "Durch"),
    ("admin.users.by_user", "Diese Person"),
    ("admin.users.by_you", "Sie"),
    ("admin.users.delete_heading", "Löschen"),
    (
        "admin.users.delete_intro",
        "Löschen beendet alle Sitzungen und trennt Anmeldeanbieter. Ein Superuser kann das Konto später wiederherstellen.",
    ),
    ("admin.users.deleted_heading", "Dieses Konto ist gelöscht"),
    (
        "admin.users.deleted_intro",
        "Es kann sich nicht anmelden, und andere Administratoren sehen es nicht. Wiederherstellen bringt es unverändert zurück, ohne Sitzungen.",
    ),
    ("admin.users.edit_title", "Benutzer bearbeiten"),
    (
        "admin.users.email_change_hint",
        "Eine neue Adresse gilt als nicht bestätigt, bis die Person sie bestätigt oder Sie sie als bestätigt markieren.",
    ),
    (
        "admin.users.superuser_hint",
        "Superuser verwalten ganz Ostiary: jede Organisation, Anwendung und Einstellung.",
    ),
    ("admin.users.new_title", "Benutzer anlegen"),
    (
        "admin.users.new_intro",
        "Das Konto besteht sofort. Ohne Passwort meldet sich die Person mit einem E-Mail-Code oder einem Anmeldeanbieter an oder setzt eins über „Passwort vergessen“.",
    ),
    (
        "admin.users.invite_instead",
        "Stattdessen per E-Mail einladen",
    ),
    ("admin.users.optional", "(optional)"),
    (
        "admin.users.password_hint",
        "Leer lassen, damit die Person selbst eins wählt.",
    ),
    ("admin.users.no_organization", "Keine Organisation"),
    ("admin.users.choose_organization", "Bitte wählen …"),
    ("admin.users.verified_field", "E-Mail-Adresse ist bestätigt"),
    (
        "admin.users.verified_hint",
        "Ankreuzen, wenn Sie wissen, dass die Adresse der Person gehört.",
    ),
    ("admin.users.create", "Benutzer anlegen"),
    ("admin.users.invite_title", "Jemanden einladen"),
    (
        "admin.users.invite_intro",
        "Die Person erhält eine E-Mail mit einem Link, um der Organisation mit dieser Rolle beizutreten; damit legt sie ihr Konto an.",
    ),
    (
        "admin.users.invite_no_organization",
        "Einladungen gelten für eine Organisation, und es gibt noch keine.",
    ),
    ("admin.users.send_invitation", "Einladung senden"),
    ("admin.users.invited_title", "Einladung erstellt"),
    (
        "admin.users.invited_sent",
        "Eine Einladung wurde an {} gesendet.",
    ),
    (
        "admin.users.invited_not_sent",
        "An {} konnte keine E-Mail gesendet werden (E-Mail-Versand ist nicht eingerichtet oder fehlgeschlagen). Geben Sie den Link selbst weiter.",
    ),
    ("admin.users.expires", "Link gültig bis"),
    ("admin.users.invitation_link", "Einladungslink"),
    ("admin.users.back_to_list", "Zurück zu den Benutzern"),
    ("admin.users.invite_another", "Weitere Person einladen"),
    (
        "admin.users.error.email",
        "Geben Sie eine E-Mail-Adresse wie name@example.com ein.",
    ),
    (
        "admin.users.error.name",
        "Höchstens 200 Zeichen und keine Steuerzeichen.",
    ),
    (
        "admin.users.error.role",
        "Wählen Sie eine der angebotenen Rollen.",
    ),
    (
        "admin.users.error.organization",
        "Wählen Sie eine Organisation, die Sie verwalten.",
    ),
    (
        "admin.users.error.needs_global",
        "Das kann nur ein Superuser vergeben.",
    ),
    ("admin.notice.user_created", "Der Benutzer wurde angelegt."),
    ("admin.notice.user_updated", "Gespeichert."),
    (
        "admin.notice.user_disabled",
        "Das Konto ist deaktiviert und überall abgemeldet.",
    ),
    (
        "admin.notice.user_enabled",
        "Das Konto ist aktiviert: Die Person kann sich wieder anmelden.",
    ),
    (
        "admin.notice.user_unlocked",
        "Entsperrt: Fehlgeschlagene Anmeldeversuche sind vergessen.",
    ),
    (
        "admin.notice.user_email_verified",
        "Die E-Mail-Adresse gilt jetzt als bestätigt.",
    ),
    (
        "admin.notice.user_mfa_reset",
        "Zweite Faktoren entfernt und Sitzungen beendet. Bei der nächsten Anmeldung richtet die Person einen neuen ein.",
    ),
    ("admin.notice.user_sessions_revoked", "Überall abgemeldet."),
    (
        "admin.notice.user_session_ended",
        "Die Sitzung wurde beendet.",
    ),
    ("admin.notice.user_deleted", "Der Benutzer wurde gelöscht."),
    (
        "admin.notice.user_restored",
        "Der Benutzer wurde wiederhergestellt.",
    ),
    (
        "admin.error.user_protected",
        "Nur ein Superuser kann dieses Konto ändern: Es ist ein Superuser, ein Inhaber oder auch Mitglied einer anderen Organisation.",
    ),
    (
        "admin.error.user_needs_global",
        "Das kann nur ein Superuser.",
    ),
    (
        "admin.error.user_itself",
        "Das können Sie mit Ihrem eigenen Konto nicht tun.",
    ),
    (
        "admin.error.user_email_taken",
        "Ein anderes Konto verwendet diese E-Mail-Adresse bereits.",
    ),
    (
        "admin.error.user_last_superuser",
        "Dies ist der letzte Superuser: Machen Sie zuerst jemand anderen zum Superuser.",
    ),
];

#[cfg(test)]
mod tests {
    use super::{DE, EN};

    /// The flash keys the users area's handlers pass to `respond::done`
    /// and `respond::refused` (the template scan does not see them).
    const FLASHES: &[&str] = &[
        "admin.notice.user_created",
        "admin.notice.user_updated",
        "admin.notice.user_disabled",
        "admin.notice.user_enabled",
        "admin.notice.user_unlocked",
        "admin.notice.user_email_verified",
        "admin.notice.user_mfa_reset",
        "admin.notice.user_sessions_revoked",
        "admin.notice.user_session_ended",
        "admin.notice.user_deleted",
        "admin.notice.user_restored",
        "admin.error.user_protected",
        "admin.error.user_needs_global",
        "admin.error.user_itself",
        "admin.error.user_email_taken",
        "admin.error.user_last_superuser",
    ];

    #[test]
    fn every_flash_of_the_users_area_is_in_both_languages() {
        for key in FLASHES {
            assert!(EN.iter().any(|(k, _)| k == key), "en: {key}");
            assert!(DE.iter().any(|(k, _)| k == key), "de: {key}");
        }
        // Flash keys fit the frame's limit of 64 characters.
        assert!(FLASHES.iter().all(|k| k.len() < 64));
    }
}
