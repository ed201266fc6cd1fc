//! The console's webhook pages (`admin.webhooks.*`, S9): subscriptions,
//! the secret shown once, deliveries and the dead-letter queue, with their
//! notices and errors; English then German.

/// English.
pub const EN: &[(&str, &str)] = &[
    ("admin.nav.webhooks", "Webhooks"),
    (
        "admin.webhooks.lead",
        "Ostiary POSTs audit events to these HTTPS endpoints, signed the Standard Webhooks way and retried until delivered.",
    ),
    ("admin.webhooks.new", "New webhook"),
    (
        "admin.webhooks.new_lead",
        "Choose where to send which events. The signing secret is shown once, after you create the webhook.",
    ),
    ("admin.webhooks.none", "No webhooks yet."),
    ("admin.webhooks.name", "Name"),
    (
        "admin.webhooks.name_hint",
        "For you: what receives the events, e.g. SIEM.",
    ),
    ("admin.webhooks.url", "Endpoint URL"),
    (
        "admin.webhooks.url_hint",
        "An https:// address on the internet, without user name or #fragment.",
    ),
    ("admin.webhooks.events", "Events"),
    (
        "admin.webhooks.events_hint",
        "The audit events to send: all of them, whole groups, or single actions typed below.",
    ),
    ("admin.webhooks.all_events", "All events (<code>*</code>)"),
    ("admin.webhooks.other_events", "Single actions"),
    (
        "admin.webhooks.other_events_hint",
        "Audit actions such as <code>login.failure</code> or <code>mfa.enrolled</code>, separated by spaces or commas.",
    ),
    ("admin.webhooks.enabled", "Enabled"),
    (
        "admin.webhooks.enabled_hint",
        "A disabled webhook receives no new events; deliveries already queued wait until it is enabled again.",
    ),
    ("admin.webhooks.enabled_badge", "Enabled"),
    ("admin.webhooks.disabled_badge", "Disabled"),
    ("admin.webhooks.organization", "Organization"),
    (
        "admin.webhooks.organization_hint",
        "The webhook receives only this organization's events.",
    ),
    ("admin.webhooks.global", "All organizations"),
    (
        "admin.webhooks.global_option",
        "All organizations (every event)",
    ),
    ("admin.webhooks.create", "Create webhook"),
    ("admin.webhooks.secret_title", "Signing secret"),
    (
        "admin.webhooks.secret_hint",
        "Verify the <code>webhook-signature</code> header of every request with this secret. Ostiary keeps it sealed and shows only its last characters from now on.",
    ),
    (
        "admin.webhooks.rotated_hint",
        "The old secret no longer signs: update your receiver now.",
    ),
    ("admin.webhooks.done", "I have saved the secret"),
    ("admin.webhooks.details", "Details"),
    ("admin.webhooks.secret", "Secret"),
    ("admin.webhooks.updated", "Changed"),
    ("admin.webhooks.deliveries", "Recent deliveries"),
    ("admin.webhooks.no_deliveries", "Nothing delivered yet."),
    ("admin.webhooks.event", "Event"),
    ("admin.webhooks.attempts", "Attempts"),
    ("admin.webhooks.last_error", "Last error"),
    ("admin.webhooks.next_attempt", "Next attempt"),
    ("admin.webhooks.status.pending", "Pending"),
    ("admin.webhooks.status.delivered", "Delivered"),
    ("admin.webhooks.status.dead", "Failed"),
    ("admin.webhooks.edit", "Change"),
    ("admin.webhooks.rotate_heading", "Signing secret"),
    (
        "admin.webhooks.rotate_lead",
        "A new secret replaces the old one at once; it is shown once.",
    ),
    ("admin.webhooks.rotate", "New secret"),
    (
        "admin.webhooks.rotate_confirm",
        "Replace the secret of {}? Requests signed from now on fail verification with the old one.",
    ),
    ("admin.webhooks.rotate_now", "Replace the secret"),
    ("admin.webhooks.delete_heading", "Delete"),
    (
        "admin.webhooks.delete_lead",
        "Deleting stops all deliveries, queued ones included.",
    ),
    (
        "admin.webhooks.delete_confirm",
        "Delete {} and its deliveries?",
    ),
    ("admin.webhooks.delete_now", "Delete the webhook"),
    ("admin.webhooks.dead_letters", "Dead letters"),
    (
        "admin.webhooks.dead_lead",
        "Deliveries that failed every attempt. Replaying one sends it again, with the same webhook-id.",
    ),
    ("admin.webhooks.no_dead", "No dead letters."),
    ("admin.webhooks.subscription", "Webhook"),
    ("admin.webhooks.replay", "Replay"),
    (
        "admin.webhooks.dead_forbidden",
        "Only a superuser inspects and replays dead letters.",
    ),
    (
        "admin.webhooks.error.name",
        "Give a name of 1 to 100 characters.",
    ),
    (
        "admin.webhooks.error.url",
        "Give an https:// URL of a public host, without user name or #fragment (at most 2048 characters).",
    ),
    (
        "admin.webhooks.error.events",
        "Choose at least one event (at most 50): a group, all events, or audit actions such as login.failure.",
    ),
    (
        "admin.webhooks.error.organization",
        "Choose one of your organizations.",
    ),
    ("admin.notice.webhook_saved", "Webhook saved."),
    ("admin.notice.webhook_deleted", "Webhook deleted."),
    (
        "admin.notice.webhook_replayed",
        "Delivery queued again: it is sent shortly.",
    ),
    (
        "admin.error.webhook_not_dead",
        "That delivery is no longer failed: it was replayed already.",
    ),
];

/// German (Sie-Form).
pub const DE: &[(&str, &str)] = &[
    ("admin.nav.webhooks", "Webhooks"),
    (
        "admin.webhooks.lead",
        "Ostiary sendet Audit-Ereignisse per POST an diese HTTPS-Endpunkte, signiert nach Standard Webhooks und wiederholt bis zur Zustellung.",
    ),
    ("admin.webhooks.new", "Neuer Webhook"),
    (
        "admin.webhooks.new_lead",
        "Wählen Sie, welche Ereignisse wohin gehen. Das Signaturgeheimnis wird nach dem Anlegen einmal angezeigt.",
    ),
    ("admin.webhooks.none", "Noch keine Webhooks."),
    ("admin.webhooks.name", "Name"),
    (
        "admin.webhooks.name_hint",
        "Für Sie: Was die Ereignisse empfängt, z. B. SIEM.",
    ),
    ("admin.webhooks.url", "Endpunkt-URL"),
    (
        "admin.webhooks.url_hint",
        "Eine https://-Adresse im Internet, ohne Benutzernamen und #Fragment.",
    ),
    ("admin.webhooks.events", "Ereignisse"),
    (
        "admin.webhooks.events_hint",
        "Die zu sendenden Audit-Ereignisse: alle, ganze Gruppen oder einzelne Aktionen (unten eingeben).",
    ),
    (
        "admin.webhooks.all_events",
        "Alle Ereignisse (<code>*</code>)",
    ),
    ("admin.webhooks.other_events", "Einzelne Aktionen"),
    (
        "admin.webhooks.other_events_hint",
        "Audit-Aktionen wie <code>login.failure</code> oder <code>mfa.enrolled</code>, getrennt durch Leerzeichen oder Kommas.",
    ),
    ("admin.webhooks.enabled", "Aktiv"),
    (
        "admin.webhooks.enabled_hint",
        "Ein inaktiver Webhook erhält keine neuen Ereignisse; bereits eingereihte Zustellungen warten, bis er wieder aktiv ist.",
    ),
    ("admin.webhooks.enabled_badge", "Aktiv"),
    ("admin.webhooks.disabled_badge", "Inaktiv"),
    ("admin.webhooks.organization", "Organisation"),
    (
        "admin.webhooks.organization_hint",
        "Der Webhook erhält nur die Ereignisse dieser Organisation.",
    ),
    ("admin.webhooks.global", "Alle Organisationen"),
    (
        "admin.webhooks.global_option",
        "Alle Organisationen (jedes Ereignis)",
    ),
    ("admin.webhooks.create", "Webhook anlegen"),
    ("admin.webhooks.secret_title", "Signaturgeheimnis"),
    (
        "admin.webhooks.secret_hint",
        "Prüfen Sie mit diesem Geheimnis den Header <code>webhook-signature</code> jeder Anfrage. Ostiary speichert es versiegelt und zeigt ab jetzt nur noch die letzten Zeichen.",
    ),
    (
        "admin.webhooks.rotated_hint",
        "Das alte Geheimnis signiert nicht mehr: Aktualisieren Sie jetzt Ihren Empfänger.",
    ),
    ("admin.webhooks.done", "Ich habe das Geheimnis gespeichert"),
    ("admin.webhooks.details", "Details"),
    ("admin.webhooks.secret", "Geheimnis"),
    ("admin.webhooks.updated", "Geändert"),
    ("admin.webhooks.deliveries", "Letzte Zustellungen"),
    ("admin.webhooks.no_deliveries", "Noch nichts zugestellt."),
    ("admin.webhooks.event", "Ereignis"),
    ("admin.webhooks.attempts", "Versuche"),
    ("admin.webhooks.last_error", "Letzter Fehler"),
    ("admin.webhooks.next_attempt", "Nächster Versuch"),
    ("admin.webhooks.status.pending", "Ausstehend"),
    ("admin.webhooks.status.delivered", "Zugestellt"),
    ("admin.webhooks.status.dead", "Fehlgeschlagen"),
    ("admin.webhooks.edit", "Ändern"),
    ("admin.webhooks.rotate_heading", "Signaturgeheimnis"),
    (
        "admin.webhooks.rotate_lead",
        "Ein neues Geheimnis ersetzt das alte sofort; es wird einmal angezeigt.",
    ),
    ("admin.webhooks.rotate", "Neues Geheimnis"),
    (
        "admin.webhooks.rotate_confirm",
        "Das Geheimnis von {} ersetzen? Ab jetzt signierte Anfragen lassen sich mit dem alten nicht mehr prüfen.",
    ),
    ("admin.webhooks.rotate_now", "Geheimnis ersetzen"),
    ("admin.webhooks.delete_heading", "Löschen"),
    (
        "admin.webhooks.delete_lead",
        "Das Löschen beendet alle Zustellungen, auch eingereihte.",
    ),
    (
        "admin.webhooks.delete_confirm",
        "{} und seine Zustellungen löschen?",
    ),
    ("admin.webhooks.delete_now", "Webhook löschen"),
    ("admin.webhooks.dead_letters", "Unzustellbare Ereignisse"),
    (
        "admin.webhooks.dead_lead",
        "Zustellungen, bei denen jeder Versuch fehlschlug. Erneut senden stellt sie wieder zu, mit derselben webhook-id.",
    ),
    ("admin.webhooks.no_dead", "Keine unzustellbaren Ereignisse."),
    ("admin.webhooks.subscription", "Webhook"),
    ("admin.webhooks.replay", "Erneut senden"),
    (
        "admin.webhooks.dead_forbidden",
        "Nur Superuser sehen unzustellbare Ereignisse und senden sie erneut.",
    ),
    (
        "admin.webhooks.error.name",
        "Geben Sie einen Namen mit 1 bis 100 Zeichen ein.",
    ),
    (
        "admin.webhooks.error.url",
        "Geben Sie eine https://-URL eines öffentlichen Hosts ein, ohne Benutzernamen und #Fragment (höchstens 2048 Zeichen).",
    ),
    (
        "admin.webhooks.error.events",
        "Wählen Sie mindestens ein Ereignis (höchstens 50): eine Gruppe, alle Ereignisse oder Audit-Aktionen wie login.failure.",
    ),
    (
        "admin.webhooks.error.organization",
        "Wählen Sie eine Ihrer Organisationen.",
    ),
    ("admin.notice.webhook_saved", "Webhook gespeichert."),
    ("admin.notice.webhook_deleted", "Webhook gelöscht."),
    (
        "admin.notice.webhook_replayed",
        "Zustellung neu eingereiht: Sie wird in Kürze gesendet.",
    ),
    (
        "admin.error.webhook_not_dead",
        "Diese Zustellung ist nicht mehr fehlgeschlagen: Sie wurde bereits erneut gesendet.",
    ),
];
