//! The console's settings messages (MFA policies, signing keys
//! `admin.signing_keys.*`, API keys `admin.api_keys.*`, and their notices
//! and errors), English then German.

/// English.
pub const EN: &[(&str, &str)] = &[
    // ---- signing keys ----
    (
        "admin.signing_keys.lead",
        "The keys that sign tokens. Rotate to start signing with the published next key; tokens signed before stay valid until they expire.",
    ),
    ("admin.signing_keys.kid", "Key ID"),
    ("admin.signing_keys.activated", "Signing since"),
    ("admin.signing_keys.retired", "Retired"),
    ("admin.signing_keys.state.current", "Current"),
    ("admin.signing_keys.state.next", "Next"),
    ("admin.signing_keys.state.retired", "Retired"),
    (
        "admin.signing_keys.explain.current",
        "signs new tokens now.",
    ),
    (
        "admin.signing_keys.explain.next",
        "already published, so clients trust it before it signs.",
    ),
    (
        "admin.signing_keys.explain.retired",
        "no longer signs; published until its retention ends.",
    ),
    ("admin.signing_keys.rotate", "Rotate…"),
    (
        "admin.signing_keys.rotate_confirm",
        "Rotate the {} keys? The next key signs from now on, the current one is retired (still published) and a new next key is made.",
    ),
    ("admin.signing_keys.rotate_now", "Yes, rotate"),
    (
        "admin.notice.signing_key_rotated",
        "Keys rotated: the next key signs from now on.",
    ),
    (
        "admin.error.signing_key_alg",
        "Choose an algorithm to rotate (RS256, ES256 or EdDSA).",
    ),
    // ---- API keys ----
    (
        "admin.api_keys.lead",
        "Keys for scripts and services that call the admin API. A key is shown once when it is made.",
    ),
    ("admin.api_keys.new", "New API key"),
    (
        "admin.api_keys.new_lead",
        "Give the key only what its job needs: the fewest scopes, one organization, an expiry and the networks it runs in.",
    ),
    ("admin.api_keys.none", "No API keys yet."),
    ("admin.api_keys.name", "Name"),
    (
        "admin.api_keys.name_hint",
        "What the key is for, e.g. \"Nightly user sync\".",
    ),
    ("admin.api_keys.scopes", "Scopes"),
    (
        "admin.api_keys.scopes_hint",
        "Write includes read. Choose at least one.",
    ),
    (
        "admin.api_keys.scope_all",
        "Everything (*), including areas added later",
    ),
    ("admin.api_keys.area", "Area"),
    ("admin.api_keys.read", "Read"),
    ("admin.api_keys.write", "Write"),
    ("admin.api_keys.area.users", "Users"),
    ("admin.api_keys.area.organizations", "Organizations"),
    ("admin.api_keys.area.clients", "Applications"),
    ("admin.api_keys.area.providers", "SSO providers"),
    ("admin.api_keys.area.policies", "MFA policies"),
    ("admin.api_keys.area.keys", "Signing keys"),
    ("admin.api_keys.area.sessions", "Sessions"),
    ("admin.api_keys.area.audit", "Audit log"),
    ("admin.api_keys.area.api-keys", "API keys"),
    ("admin.api_keys.area.webhooks", "Webhooks"),
    ("admin.api_keys.organization", "Organization"),
    (
        "admin.api_keys.organization_hint",
        "A key bound to an organization reaches only that organization's objects.",
    ),
    (
        "admin.api_keys.global_option",
        "None: a global key (every organization)",
    ),
    ("admin.api_keys.global", "Global"),
    ("admin.api_keys.expires_in", "Expires after"),
    (
        "admin.api_keys.expires_in_hint",
        "A number and s, m, h or d, e.g. 90d or 12h. Empty: never expires.",
    ),
    ("admin.api_keys.expires", "Expires"),
    ("admin.api_keys.never", "Never"),
    ("admin.api_keys.networks", "Allowed networks"),
    (
        "admin.api_keys.networks_hint",
        "Addresses or CIDR blocks, one per line, e.g. 203.0.113.0/24. Empty: any address.",
    ),
    (
        "admin.api_keys.rate_limit",
        "Rate limit (requests per minute)",
    ),
    (
        "admin.api_keys.rate_limit_hint",
        "1 to 100000, counted across all instances. Empty: no limit.",
    ),
    ("admin.api_keys.rate_shown", "{} requests per minute"),
    ("admin.api_keys.vendor", "Support (vendor) key"),
    (
        "admin.api_keys.vendor_hint",
        "Every request must name the user it acts for (X-Actor-User-Id) and a ticket (X-Ticket-Reference); both are audited.",
    ),
    ("admin.api_keys.vendor_badge", "Vendor"),
    ("admin.api_keys.create", "Create key"),
    ("admin.api_keys.last_used", "Last used"),
    ("admin.api_keys.never_used", "Never used"),
    ("admin.api_keys.uses_count", "Uses: {}"),
    ("admin.api_keys.details", "Details"),
    ("admin.api_keys.prefix", "Begins with"),
    ("admin.api_keys.uses", "Uses"),
    ("admin.api_keys.any_network", "Any address"),
    ("admin.api_keys.no_limit", "No limit"),
    ("admin.api_keys.rotate_heading", "Rotate"),
    (
        "admin.api_keys.rotate_lead",
        "Make a new key with the same settings, for example when the old one may have leaked. The old key can keep working for a while so you can switch over.",
    ),
    ("admin.api_keys.revoke_heading", "Revoke"),
    (
        "admin.api_keys.revoke_lead",
        "Stop this key for good: every request with it is refused at once.",
    ),
    ("admin.api_keys.pages", "Pages"),
    ("admin.api_keys.state.active", "Active"),
    ("admin.api_keys.state.expired", "Expired"),
    ("admin.api_keys.state.revoked", "Revoked"),
    ("admin.api_keys.rotate", "Rotate…"),
    (
        "admin.api_keys.rotate_confirm",
        "Replace \"{}\" by a new key with the same settings? The new key is shown once.",
    ),
    ("admin.api_keys.overlap", "The old key keeps working"),
    ("admin.api_keys.overlap.0s", "Not at all (stop it now)"),
    ("admin.api_keys.overlap.1h", "For 1 hour"),
    ("admin.api_keys.overlap.1d", "For 1 day"),
    ("admin.api_keys.overlap.7d", "For 7 days"),
    ("admin.api_keys.rotate_now", "Yes, rotate"),
    ("admin.api_keys.revoke", "Revoke…"),
    (
        "admin.api_keys.revoke_confirm",
        "Revoke \"{}\"? Requests with it are refused at once. This cannot be undone.",
    ),
    ("admin.api_keys.revoke_now", "Yes, revoke"),
    ("admin.api_keys.created_title", "Your new API key"),
    (
        "admin.api_keys.use_hint",
        "Send it in the header <code>Authorization: Bearer …</code>. Ostiary keeps only a hash of it.",
    ),
    (
        "admin.api_keys.rotated_overlap",
        "The previous key keeps working: {}.",
    ),
    ("admin.api_keys.done", "Done, back to API keys"),
    (
        "admin.api_keys.error.name",
        "Enter a name of 1 to 100 characters.",
    ),
    (
        "admin.api_keys.error.scopes",
        "Choose at least one scope, none beyond your own.",
    ),
    (
        "admin.api_keys.error.organization",
        "Choose an organization you administer.",
    ),
    (
        "admin.api_keys.error.expires_in",
        "Enter a number and s, m, h or d (e.g. 90d), at most ten years, or leave it empty.",
    ),
    (
        "admin.api_keys.error.allowed_ips",
        "Enter up to 50 addresses or CIDR blocks, one per line (e.g. 203.0.113.0/24).",
    ),
    (
        "admin.api_keys.error.rate_limit",
        "Enter a whole number from 1 to 100000, or leave it empty.",
    ),
    (
        "admin.api_keys.error.vendor",
        "This key must be a vendor key, like the key that makes it.",
    ),
    ("admin.notice.api_key_revoked", "API key revoked."),
    (
        "admin.error.api_key_revoked_already",
        "That key was already revoked.",
    ),
    (
        "admin.error.api_key_dead",
        "That key is revoked or expired: make a new one instead.",
    ),
    (
        "admin.error.api_key_beyond",
        "That key has more rights than you may grant.",
    ),
    (
        "admin.error.api_key_overlap",
        "Choose how long the old key keeps working.",
    ),
];

/// German (Sie-Form).
pub const DE: &[(&str, &str)] = &[
    // ---- signing keys ----
    (
        "admin.signing_keys.lead",
        "Die Schlüssel, mit denen Tokens signiert werden. Beim Rotieren signiert der bereits veröffentlichte nächste Schlüssel; zuvor signierte Tokens bleiben bis zu ihrem Ablauf gültig.",
    ),
    ("admin.signing_keys.kid", "Schlüssel-ID"),
    ("admin.signing_keys.activated", "Signiert seit"),
    ("admin.signing_keys.retired", "Ausgemustert"),
    ("admin.signing_keys.state.current", "Aktuell"),
    ("admin.signing_keys.state.next", "Nächster"),
    ("admin.signing_keys.state.retired", "Ausgemustert"),
    (
        "admin.signing_keys.explain.current",
        "signiert jetzt neue Tokens.",
    ),
    (
        "admin.signing_keys.explain.next",
        "bereits veröffentlicht, damit Anwendungen ihm vertrauen, bevor er signiert.",
    ),
    (
        "admin.signing_keys.explain.retired",
        "signiert nicht mehr; bleibt bis zum Ende der Aufbewahrung veröffentlicht.",
    ),
    ("admin.signing_keys.rotate", "Rotieren…"),
    (
        "admin.signing_keys.rotate_confirm",
        "Die {}-Schlüssel rotieren? Der nächste Schlüssel signiert ab sofort, der aktuelle wird ausgemustert (bleibt veröffentlicht) und ein neuer nächster Schlüssel wird erzeugt.",
    ),
    ("admin.signing_keys.rotate_now", "Ja, rotieren"),
    (
        "admin.notice.signing_key_rotated",
        "Schlüssel rotiert: Der nächste Schlüssel signiert ab sofort.",
    ),
    (
        "admin.error.signing_key_alg",
        "Bitte wählen Sie einen Algorithmus (RS256, ES256 oder EdDSA).",
    ),
    // ---- API keys ----
    (
        "admin.api_keys.lead",
        "Schlüssel für Skripte und Dienste, die die Verwaltungs-API aufrufen. Ein Schlüssel wird nur beim Anlegen angezeigt.",
    ),
    ("admin.api_keys.new", "Neuer API-Schlüssel"),
    (
        "admin.api_keys.new_lead",
        "Geben Sie dem Schlüssel nur, was seine Aufgabe braucht: möglichst wenige Bereiche, eine Organisation, ein Ablaufdatum und die Netze, aus denen er genutzt wird.",
    ),
    ("admin.api_keys.none", "Noch keine API-Schlüssel."),
    ("admin.api_keys.name", "Name"),
    (
        "admin.api_keys.name_hint",
        "Wofür der Schlüssel ist, z. B. „Nächtlicher Benutzerabgleich“.",
    ),
    ("admin.api_keys.scopes", "Berechtigungen"),
    (
        "admin.api_keys.scopes_hint",
        "Schreiben schließt Lesen ein. Wählen Sie mindestens eine.",
    ),
    (
        "admin.api_keys.scope_all",
        "Alles (*), auch künftig hinzukommende Bereiche",
    ),
    ("admin.api_keys.area", "Bereich"),
    ("admin.api_keys.read", "Lesen"),
    ("admin.api_keys.write", "Schreiben"),
    ("admin.api_keys.area.users", "Benutzer"),
    ("admin.api_keys.area.organizations", "Organisationen"),
    ("admin.api_keys.area.clients", "Anwendungen"),
    ("admin.api_keys.area.providers", "SSO-Anbieter"),
    ("admin.api_keys.area.policies", "MFA-Richtlinien"),
    ("admin.api_keys.area.keys", "Signaturschlüssel"),
    ("admin.api_keys.area.sessions", "Sitzungen"),
    ("admin.api_keys.area.audit", "Protokoll"),
    ("admin.api_keys.area.api-keys", "API-Schlüssel"),
    ("admin.api_keys.area.webhooks", "Webhooks"),
    ("admin.api_keys.organization", "Organisation"),
    (
        "admin.api_keys.organization_hint",
        "Ein an eine Organisation gebundener Schlüssel erreicht nur deren Objekte.",
    ),
    (
        "admin.api_keys.global_option",
        "Keine: globaler Schlüssel (alle Organisationen)",
    ),
    ("admin.api_keys.global", "Global"),
    ("admin.api_keys.expires_in", "Läuft ab nach"),
    (
        "admin.api_keys.expires_in_hint",
        "Eine Zahl und s, m, h oder d, z. B. 90d oder 12h. Leer: läuft nie ab.",
    ),
    ("admin.api_keys.expires", "Läuft ab"),
    ("admin.api_keys.never", "Nie"),
    ("admin.api_keys.networks", "Erlaubte Netze"),
    (
        "admin.api_keys.networks_hint",
        "Adressen oder CIDR-Blöcke, eine pro Zeile, z. B. 203.0.113.0/24. Leer: jede Adresse.",
    ),
    (
        "admin.api_keys.rate_limit",
        "Ratenbegrenzung (Anfragen pro Minute)",
    ),
    (
        "admin.api_keys.rate_limit_hint",
        "1 bis 100000, über alle Instanzen gezählt. Leer: keine Begrenzung.",
    ),
    ("admin.api_keys.rate_shown", "{} Anfragen pro Minute"),
    ("admin.api_keys.vendor", "Support-Schlüssel (Dienstleister)"),
    (
        "admin.api_keys.vendor_hint",
        "Jede Anfrage muss den Benutzer (X-Actor-User-Id) und ein Ticket (X-Ticket-Reference) nennen; beides wird protokolliert.",
    ),
    ("admin.api_keys.vendor_badge", "Support"),
    ("admin.api_keys.create", "Schlüssel anlegen"),
    ("admin.api_keys.last_used", "Zuletzt benutzt"),
    ("admin.api_keys.never_used", "Nie benutzt"),
    ("admin.api_keys.uses_count", "Aufrufe: {}"),
    ("admin.api_keys.details", "Details"),
    ("admin.api_keys.prefix", "Beginnt mit"),
    ("admin.api_keys.uses", "Aufrufe"),
    ("admin.api_keys.any_network", "Jede Adresse"),
    ("admin.api_keys.no_limit", "Keine Begrenzung"),
    ("admin.api_keys.rotate_heading", "Rotieren"),
    (
        "admin.api_keys.rotate_lead",
        "Einen neuen Schlüssel mit denselben Einstellungen anlegen, etwa wenn der alte bekannt geworden sein könnte. Der alte kann noch eine Weile funktionieren, damit Sie umstellen können.",
    ),
    ("admin.api_keys.revoke_heading", "Widerrufen"),
    (
        "admin.api_keys.revoke_lead",
        "Diesen Schlüssel endgültig stoppen: Jede Anfrage damit wird sofort abgelehnt.",
    ),
    ("admin.api_keys.pages", "Seiten"),
    ("admin.api_keys.state.active", "Aktiv"),
    ("admin.api_keys.state.expired", "Abgelaufen"),
    ("admin.api_keys.state.revoked", "Widerrufen"),
    ("admin.api_keys.rotate", "Rotieren…"),
    (
        "admin.api_keys.rotate_confirm",
        "„{}“ durch einen neuen Schlüssel mit denselben Einstellungen ersetzen? Der neue Schlüssel wird nur einmal angezeigt.",
    ),
    (
        "admin.api_keys.overlap",
        "Der alte Schlüssel funktioniert weiter",
    ),
    ("admin.api_keys.overlap.0s", "Gar nicht (sofort beenden)"),
    ("admin.api_keys.overlap.1h", "1 Stunde lang"),
    ("admin.api_keys.overlap.1d", "1 Tag lang"),
    ("admin.api_keys.overlap.7d", "7 Tage lang"),
    ("admin.api_keys.rotate_now", "Ja, rotieren"),
    ("admin.api_keys.revoke", "Widerrufen…"),
    (
        "admin.api_keys.revoke_confirm",
        "„{}“ widerrufen? Anfragen damit werden sofort abgelehnt. Das lässt sich nicht rückgängig machen.",
    ),
    ("admin.api_keys.revoke_now", "Ja, widerrufen"),
    ("admin.api_keys.created_title", "Ihr neuer API-Schlüssel"),
    (
        "admin.api_keys.use_hint",
        "Senden Sie ihn im Header <code>Authorization: Bearer …</code>. Ostiary speichert nur einen Hash davon.",
    ),
    (
        "admin.api_keys.rotated_overlap",
        "Der bisherige Schlüssel funktioniert weiter: {}.",
    ),
    (
        "admin.api_keys.done",
        "Fertig, zurück zu den API-Schlüsseln",
    ),
    (
        "admin.api_keys.error.name",
        "Bitte geben Sie einen Namen mit 1 bis 100 Zeichen ein.",
    ),
    (
        "admin.api_keys.error.scopes",
        "Bitte wählen Sie mindestens eine Berechtigung, keine über Ihre eigenen hinaus.",
    ),
    (
        "admin.api_keys.error.organization",
        "Bitte wählen Sie eine Organisation, die Sie verwalten.",
    ),
    (
        "admin.api_keys.error.expires_in",
        "Bitte geben Sie eine Zahl und s, m, h oder d ein (z. B. 90d), höchstens zehn Jahre, oder lassen Sie das Feld leer.",
    ),
    (
        "admin.api_keys.error.allowed_ips",
        "Bitte geben Sie bis zu 50 Adressen oder CIDR-Blöcke ein, eine pro Zeile (z. B. 203.0.113.0/24).",
    ),
    (
        "admin.api_keys.error.rate_limit",
        "Bitte geben Sie eine ganze Zahl von 1 bis 100000 ein oder lassen Sie das Feld leer.",
    ),
    (
        "admin.api_keys.error.vendor",
        "Dieser Schlüssel muss wie der Schlüssel, der ihn anlegt, ein Support-Schlüssel sein.",
    ),
    ("admin.notice.api_key_revoked", "API-Schlüssel widerrufen."),
    (
        "admin.error.api_key_revoked_already",
        "Dieser Schlüssel war bereits widerrufen.",
    ),
    (
        "admin.error.api_key_dead",
        "Dieser Schlüssel ist widerrufen oder abgelaufen: Legen Sie stattdessen einen neuen an.",
    ),
    (
        "admin.error.api_key_beyond",
        "Dieser Schlüssel hat mehr Rechte, als Sie vergeben dürfen.",
    ),
    (
        "admin.error.api_key_overlap",
        "Bitte wählen Sie, wie lange der alte Schlüssel weiter funktioniert.",
    ),
];
