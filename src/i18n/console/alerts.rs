//! The console's messages for alert rules (keys `admin.alerts.*`, the
//! navigation entry, the API-key area, the notices), English then German.

/// English.
pub const EN: &[(&str, &str)] = &[
    ("admin.nav.alerts", "Alerts"),
    ("admin.api_keys.area.alerts", "Alerts"),
    (
        "admin.alerts.lead",
        "Rules evaluated as events arrive. A firing is recorded in the audit log (alert.fired, which webhooks can subscribe to) and mailed to the rule's recipients.",
    ),
    ("admin.alerts.rules", "Rules"),
    ("admin.alerts.on", "On"),
    ("admin.alerts.off", "Off"),
    ("admin.alerts.threshold_summary", "{} events in {} minutes"),
    ("admin.alerts.enabled", "Rule on"),
    ("admin.alerts.threshold", "Events that make it fire"),
    ("admin.alerts.window", "Within (minutes)"),
    ("admin.alerts.recipients", "Mail recipients"),
    (
        "admin.alerts.recipients_hint",
        "One address a line. Empty: every superuser's verified address.",
    ),
    ("admin.alerts.notify_webhook", "Send to webhooks"),
    (
        "admin.alerts.notify_webhook_hint",
        "Webhooks subscribed to alert.fired receive this rule's firings.",
    ),
    ("admin.alerts.firings", "Recent firings"),
    ("admin.alerts.no_firings", "No alert has fired yet."),
    ("admin.alerts.fired_at", "Fired"),
    ("admin.alerts.rule", "Rule"),
    ("admin.alerts.subject", "Concerns"),
    ("admin.alerts.event", "Audit event"),
    (
        "admin.alerts.kind.failed_signins_account",
        "Failed sign-ins for one account",
    ),
    (
        "admin.alerts.kind.failed_signins_ip",
        "Failed sign-ins from one address",
    ),
    (
        "admin.alerts.kind.new_admin",
        "New superuser or organization admin",
    ),
    ("admin.alerts.kind.mfa_removed", "Second factor removed"),
    (
        "admin.alerts.kind.api_key_new_ip",
        "API key used from a new address",
    ),
    (
        "admin.alerts.kind.signing_key_rotated",
        "Signing key rotated",
    ),
    (
        "admin.alerts.kind.audit_verify_failed",
        "Audit log verification failed",
    ),
    ("admin.notice.alert_rule_saved", "The alert rule is saved."),
    (
        "admin.error.alert_number",
        "Enter whole numbers: at least 1 event, at most 10000, within 1 to 1440 minutes.",
    ),
    (
        "admin.error.alert_recipients",
        "Enter at most 20 valid email addresses, one a line.",
    ),
];

/// German (Sie-Form).
pub const DE: &[(&str, &str)] = &[
    ("admin.nav.alerts", "Warnungen"),
    ("admin.api_keys.area.alerts", "Warnungen"),
    (
        "admin.alerts.lead",
        "Regeln, die bei jedem Ereignis geprüft werden. Eine Auslösung steht im Audit-Log (alert.fired, das Webhooks abonnieren können) und geht per E-Mail an die Empfänger der Regel.",
    ),
    ("admin.alerts.rules", "Regeln"),
    ("admin.alerts.on", "An"),
    ("admin.alerts.off", "Aus"),
    (
        "admin.alerts.threshold_summary",
        "{} Ereignisse in {} Minuten",
    ),
    ("admin.alerts.enabled", "Regel an"),
    ("admin.alerts.threshold", "Ereignisse bis zur Auslösung"),
    ("admin.alerts.window", "Innerhalb von (Minuten)"),
    ("admin.alerts.recipients", "E-Mail-Empfänger"),
    (
        "admin.alerts.recipients_hint",
        "Eine Adresse pro Zeile. Leer: die bestätigten Adressen aller Superuser.",
    ),
    ("admin.alerts.notify_webhook", "An Webhooks senden"),
    (
        "admin.alerts.notify_webhook_hint",
        "Webhooks, die alert.fired abonniert haben, erhalten die Auslösungen dieser Regel.",
    ),
    ("admin.alerts.firings", "Letzte Auslösungen"),
    ("admin.alerts.no_firings", "Noch keine Warnung ausgelöst."),
    ("admin.alerts.fired_at", "Ausgelöst"),
    ("admin.alerts.rule", "Regel"),
    ("admin.alerts.subject", "Betrifft"),
    ("admin.alerts.event", "Audit-Ereignis"),
    (
        "admin.alerts.kind.failed_signins_account",
        "Fehlgeschlagene Anmeldungen für ein Konto",
    ),
    (
        "admin.alerts.kind.failed_signins_ip",
        "Fehlgeschlagene Anmeldungen von einer Adresse",
    ),
    (
        "admin.alerts.kind.new_admin",
        "Neuer Superuser oder Organisations-Admin",
    ),
    ("admin.alerts.kind.mfa_removed", "Zweiter Faktor entfernt"),
    (
        "admin.alerts.kind.api_key_new_ip",
        "API-Schlüssel von neuer Adresse benutzt",
    ),
    (
        "admin.alerts.kind.signing_key_rotated",
        "Signaturschlüssel rotiert",
    ),
    (
        "admin.alerts.kind.audit_verify_failed",
        "Prüfung des Audit-Logs fehlgeschlagen",
    ),
    (
        "admin.notice.alert_rule_saved",
        "Die Warnregel ist gespeichert.",
    ),
    (
        "admin.error.alert_number",
        "Geben Sie ganze Zahlen ein: mindestens 1 Ereignis, höchstens 10000, innerhalb von 1 bis 1440 Minuten.",
    ),
    (
        "admin.error.alert_recipients",
        "Geben Sie höchstens 20 gültige E-Mail-Adressen ein, eine pro Zeile.",
    ),
];
