//! The console's organizations messages (keys `admin.organizations.*`,
//! and this area's `admin.notice.org_*` / `admin.error.org_*`), English
//! then German.

/// English.
pub const EN: &[(&str, &str)] = &[
    ("admin.organizations.new", "New organization"),
    (
        "admin.organizations.lead_global",
        "Every organization, with its members and their roles.",
    ),
    (
        "admin.organizations.lead_own",
        "The organizations you administer, with their members and roles.",
    ),
    ("admin.organizations.search_label", "Search by name"),
    ("admin.organizations.pages", "Pages"),
    ("admin.organizations.none_yet", "No organizations yet."),
    ("admin.organizations.name", "Name"),
    (
        "admin.organizations.name_hint",
        "Shown to members and on sign-in pages. Must be unique.",
    ),
    (
        "admin.organizations.name_invalid",
        "Enter a name of 1 to 100 characters (no line breaks or control characters).",
    ),
    ("admin.organizations.details", "Details"),
    ("admin.organizations.id", "ID"),
    ("admin.organizations.rename", "Rename"),
    ("admin.organizations.members", "Members"),
    ("admin.organizations.no_members", "No members yet."),
    ("admin.organizations.member", "Member"),
    ("admin.organizations.role", "Role"),
    ("admin.organizations.actions", "Actions"),
    ("admin.organizations.you", "You"),
    ("admin.organizations.role_of", "Role of {}"),
    ("admin.organizations.change_role", "Change role"),
    ("admin.organizations.remove", "Remove…"),
    ("admin.organizations.revoke", "Revoke…"),
    (
        "admin.organizations.revoke_confirm",
        "Revoke the invitation of {}? The link stops working.",
    ),
    ("admin.organizations.revoke_yes", "Yes, revoke"),
    ("admin.organizations.invitation_actions", "Actions"),
    (
        "admin.organizations.remove_confirm",
        "Remove <strong>{}</strong> from this organization? They lose what their role allowed at once; their account stays.",
    ),
    ("admin.organizations.remove_yes", "Yes, remove"),
    ("admin.organizations.add_heading", "Add an existing account"),
    ("admin.organizations.email", "Email address"),
    (
        "admin.organizations.add_hint",
        "The account must exist already. To bring in someone new, invite them below.",
    ),
    ("admin.organizations.add", "Add member"),
    (
        "admin.organizations.invite_to_add",
        "To add someone, invite them by email below.",
    ),
    ("admin.organizations.invitations", "Invitations"),
    (
        "admin.organizations.invite_hint",
        "We email a link to join with this role; you also see the link once after sending.",
    ),
    ("admin.organizations.invite", "Send invitation"),
    ("admin.organizations.pending", "Not accepted yet"),
    ("admin.organizations.no_invitations", "No open invitations."),
    ("admin.organizations.invited", "Invited"),
    ("admin.organizations.expires", "Expires"),
    ("admin.organizations.expired", "Expired"),
    ("admin.organizations.invited_title", "Invitation created"),
    (
        "admin.organizations.invited_sent",
        "We emailed the invitation to <strong>{}</strong>.",
    ),
    (
        "admin.organizations.invited_not_sent",
        "The email to <strong>{}</strong> could not be sent. Give them the link below yourself.",
    ),
    ("admin.organizations.invite_link", "Invitation link"),
    (
        "admin.organizations.invite_link_hint",
        "Anyone with this link can join with this role until it expires or is used.",
    ),
    (
        "admin.organizations.back_to_org",
        "Back to the organization",
    ),
    (
        "admin.organizations.email_invalid",
        "Enter an email address such as name@example.com.",
    ),
    (
        "admin.organizations.role_invalid",
        "Choose one of the roles.",
    ),
    ("admin.organizations.role.owner", "Owner"),
    ("admin.organizations.role.admin", "Admin"),
    ("admin.organizations.role.auditor", "Auditor (read-only)"),
    ("admin.organizations.role.member", "Member"),
    ("admin.organizations.role.unknown", "Unknown role"),
    ("admin.notice.org_created", "Organization created."),
    ("admin.notice.org_renamed", "Organization renamed."),
    ("admin.notice.org_member_added", "Member added."),
    ("admin.notice.org_role_changed", "Role changed."),
    ("admin.notice.org_member_removed", "Member removed."),
    (
        "admin.notice.org_invitation_revoked",
        "Invitation revoked: its link no longer works.",
    ),
    (
        "admin.error.org_invitation_gone",
        "This invitation is no longer open: it was accepted or revoked already.",
    ),
    (
        "admin.error.org_needs_global",
        "Only a superuser can do this: creating organizations and anything about owners needs access to all of Ostiary.",
    ),
    (
        "admin.error.org_name_taken",
        "Another organization has this name.",
    ),
    (
        "admin.error.org_itself",
        "You cannot change your own membership. Ask another administrator.",
    ),
    (
        "admin.error.org_member_not_found",
        "There is no account with this address that you can add. Invite the person instead.",
    ),
    ("admin.error.org_role_invalid", "Choose one of the roles."),
    (
        "admin.error.org_invite_refused",
        "The invitation could not be created.",
    ),
];

/// German (Sie-Form).
pub const DE: &[(&str, &str)] = &[
    ("admin.organizations.new", "Neue Organisation"),
    (
        "admin.organizations.lead_global",
        "Alle Organisationen mit ihren Mitgliedern und deren Rollen.",
    ),
    (
        "admin.organizations.lead_own",
        "Die Organisationen, die Sie verwalten, mit Mitgliedern und Rollen.",
    ),
    ("admin.organizations.search_label", "Nach Namen suchen"),
    ("admin.organizations.pages", "Seiten"),
    ("admin.organizations.none_yet", "Noch keine Organisationen."),
    ("admin.organizations.name", "Name"),
    (
        "admin.organizations.name_hint",
        "Sichtbar für Mitglieder und auf Anmeldeseiten. Muss eindeutig sein.",
    ),
    (
        "admin.organizations.name_invalid",
        "Geben Sie einen Namen mit 1 bis 100 Zeichen ein (ohne Zeilenumbrüche oder Steuerzeichen).",
    ),
    ("admin.organizations.details", "Details"),
    ("admin.organizations.id", "ID"),
    ("admin.organizations.rename", "Umbenennen"),
    ("admin.organizations.members", "Mitglieder"),
    ("admin.organizations.no_members", "Noch keine Mitglieder."),
    ("admin.organizations.member", "Mitglied"),
    ("admin.organizations.role", "Rolle"),
    ("admin.organizations.actions", "Aktionen"),
    ("admin.organizations.you", "Sie"),
    ("admin.organizations.role_of", "Rolle von {}"),
    ("admin.organizations.change_role", "Rolle ändern"),
    ("admin.organizations.remove", "Entfernen…"),
    ("admin.organizations.revoke", "Widerrufen…"),
    (
        "admin.organizations.revoke_confirm",
        "Die Einladung von {} widerrufen? Der Link funktioniert dann nicht mehr.",
    ),
    ("admin.organizations.revoke_yes", "Ja, widerrufen"),
    ("admin.organizations.invitation_actions", "Aktionen"),
    (
        "admin.organizations.remove_confirm",
        "<strong>{}</strong> aus dieser Organisation entfernen? Die Rechte der Rolle entfallen sofort; das Konto bleibt bestehen.",
    ),
    ("admin.organizations.remove_yes", "Ja, entfernen"),
    (
        "admin.organizations.add_heading",
        "Vorhandenes Konto hinzufügen",
    ),
    ("admin.organizations.email", "E-Mail-Adresse"),
    (
        "admin.organizations.add_hint",
        "Das Konto muss bereits bestehen. Neue Personen laden Sie unten ein.",
    ),
    ("admin.organizations.add", "Mitglied hinzufügen"),
    (
        "admin.organizations.invite_to_add",
        "Um jemanden hinzuzufügen, laden Sie die Person unten per E-Mail ein.",
    ),
    ("admin.organizations.invitations", "Einladungen"),
    (
        "admin.organizations.invite_hint",
        "Wir senden einen Link zum Beitritt mit dieser Rolle; nach dem Senden sehen Sie den Link auch einmal selbst.",
    ),
    ("admin.organizations.invite", "Einladung senden"),
    ("admin.organizations.pending", "Noch nicht angenommen"),
    (
        "admin.organizations.no_invitations",
        "Keine offenen Einladungen.",
    ),
    ("admin.organizations.invited", "Eingeladen"),
    ("admin.organizations.expires", "Gültig bis"),
    ("admin.organizations.expired", "Abgelaufen"),
    ("admin.organizations.invited_title", "Einladung erstellt"),
    (
        "admin.organizations.invited_sent",
        "Wir haben die Einladung an <strong>{}</strong> gesendet.",
    ),
    (
        "admin.organizations.invited_not_sent",
        "Die E-Mail an <strong>{}</strong> konnte nicht gesendet werden. Geben Sie den Link unten selbst weiter.",
    ),
    ("admin.organizations.invite_link", "Einladungslink"),
    (
        "admin.organizations.invite_link_hint",
        "Mit diesem Link kann jede Person mit dieser Rolle beitreten, bis er abläuft oder benutzt wurde.",
    ),
    ("admin.organizations.back_to_org", "Zurück zur Organisation"),
    (
        "admin.organizations.email_invalid",
        "Geben Sie eine E-Mail-Adresse wie name@example.com ein.",
    ),
    (
        "admin.organizations.role_invalid",
        "Wählen Sie eine der Rollen.",
    ),
    ("admin.organizations.role.owner", "Eigentümer"),
    ("admin.organizations.role.admin", "Administrator"),
    ("admin.organizations.role.auditor", "Prüfer (nur lesen)"),
    ("admin.organizations.role.member", "Mitglied"),
    ("admin.organizations.role.unknown", "Unbekannte Rolle"),
    ("admin.notice.org_created", "Organisation angelegt."),
    ("admin.notice.org_renamed", "Organisation umbenannt."),
    ("admin.notice.org_member_added", "Mitglied hinzugefügt."),
    ("admin.notice.org_role_changed", "Rolle geändert."),
    ("admin.notice.org_member_removed", "Mitglied entfernt."),
    (
        "admin.notice.org_invitation_revoked",
        "Einladung widerrufen: ihr Link funktioniert nicht mehr.",
    ),
    (
        "admin.error.org_invitation_gone",
        "Diese Einladung ist nicht mehr offen: sie wurde schon angenommen oder widerrufen.",
    ),
    (
        "admin.error.org_needs_global",
        "Das kann nur ein Superuser: Organisationen anlegen und alles, was Eigentümer betrifft, erfordert Zugriff auf ganz Ostiary.",
    ),
    (
        "admin.error.org_name_taken",
        "Eine andere Organisation hat diesen Namen.",
    ),
    (
        "admin.error.org_itself",
        "Ihre eigene Mitgliedschaft können Sie nicht ändern. Bitten Sie einen anderen Administrator.",
    ),
    (
        "admin.error.org_member_not_found",
        "Es gibt kein Konto mit dieser Adresse, das Sie hinzufügen können. Laden Sie die Person stattdessen ein.",
    ),
    (
        "admin.error.org_role_invalid",
        "Wählen Sie eine der Rollen.",
    ),
    (
        "admin.error.org_invite_refused",
        "Die Einladung konnte nicht erstellt werden.",
    ),
];
