//! The console's applications messages (keys `admin.applications.*`, and
//! the area's `admin.notice.application_*` / `admin.error.application_*`),
//! English then German.

/// English.
pub const EN: &[(&str, &str)] = &[
    ("admin.applications.new", "New application"),
    (
        "admin.applications.lead",
        "Applications (OpenID Connect clients) that sign users in or call APIs with Ostiary.",
    ),
    ("admin.applications.search_hint", "Name or client ID"),
    (
        "admin.applications.empty",
        "No applications yet. Register the first one to let it sign users in.",
    ),
    ("admin.applications.pages", "Pages"),
    ("admin.applications.name", "Name"),
    ("admin.applications.client_id", "Client ID"),
    ("admin.applications.type", "Type"),
    ("admin.applications.organization", "Organization"),
    ("admin.applications.no_org", "None (global)"),
    ("admin.applications.step_kind", "Kind of application"),
    ("admin.applications.step_settings", "Settings"),
    ("admin.applications.step_done", "Credentials"),
    ("admin.applications.next", "Continue"),
    ("admin.applications.kind.web", "Web application"),
    (
        "admin.applications.kind.web_text",
        "A server-side app (Rails, Django, Spring, Next.js on a server) that keeps a secret.",
    ),
    (
        "admin.applications.kind.web_setup",
        "Confidential client: authorization code and refresh tokens, client secret (HTTP Basic), PKCE S256 required (you can lift it in the next step).",
    ),
    ("admin.applications.kind.spa", "Single-page application"),
    (
        "admin.applications.kind.spa_text",
        "JavaScript running in the browser (React, Vue, Angular); it cannot keep a secret.",
    ),
    (
        "admin.applications.kind.spa_setup",
        "Public client: authorization code with PKCE S256 (required), refresh tokens, no secret; its origins may call the token endpoint.",
    ),
    ("admin.applications.kind.native", "Native application"),
    (
        "admin.applications.kind.native_text",
        "A mobile or desktop app that signs users in through the system browser.",
    ),
    (
        "admin.applications.kind.native_setup",
        "Public client: authorization code with PKCE S256 (required), refresh tokens, no secret; redirect to an app scheme or to loopback.",
    ),
    ("admin.applications.kind.m2m", "Machine to machine"),
    (
        "admin.applications.kind.m2m_text",
        "A service, script or daemon calling an API on its own behalf, without a user.",
    ),
    (
        "admin.applications.kind.m2m_setup",
        "Confidential client: client credentials grant only, client secret (HTTP Basic), no redirect.",
    ),
    ("admin.applications.kind.device", "Device"),
    (
        "admin.applications.kind.device_text",
        "A TV, console or command-line tool; users confirm a code on another device.",
    ),
    (
        "admin.applications.kind.device_setup",
        "Public client: device authorization grant and refresh tokens, no secret, no redirect.",
    ),
    ("admin.applications.new_of_kind", "New application: {}"),
    ("admin.applications.invalid", "Not accepted:"),
    (
        "admin.applications.name_hint",
        "Shown to users when they sign in and on the consent page.",
    ),
    ("admin.applications.redirect_uris", "Redirect URIs"),
    (
        "admin.applications.redirect_hint",
        "One per line, exactly as your application sends them, e.g. https://app.example.com/callback. Plain http only for localhost.",
    ),
    (
        "admin.applications.redirect_native_hint",
        "One per line: an app scheme in reverse domain form (com.example.app:/callback) or a loopback address (http://127.0.0.1/callback, any port).",
    ),
    ("admin.applications.allowed_origins", "Allowed origins"),
    (
        "admin.applications.origins_hint",
        "One per line, scheme and host only (https://app.example.com): the pages that may call the token endpoint from the browser.",
    ),
    (
        "admin.applications.post_logout_uris",
        "Post-logout redirect URIs",
    ),
    ("admin.applications.optional", "(optional)"),
    (
        "admin.applications.post_logout_hint",
        "One per line: where users may be sent after signing out.",
    ),
    ("admin.applications.scopes", "Scopes"),
    (
        "admin.applications.scopes_hint",
        "Separated by spaces. Empty: openid profile email offline_access groups.",
    ),
    (
        "admin.applications.scopes_m2m_hint",
        "The scopes this service may ask for, separated by spaces.",
    ),
    (
        "admin.applications.audiences",
        "Resource servers (audiences)",
    ),
    (
        "admin.applications.audiences_hint",
        "One per line: the APIs its access tokens may be for (RFC 8707). Empty: any.",
    ),
    (
        "admin.applications.skip_consent",
        "First-party application: do not ask users for consent",
    ),
    (
        "admin.applications.skip_consent_hint",
        "Only for applications your organization runs itself. Third-party applications should always ask.",
    ),
    ("admin.applications.advanced", "Advanced settings"),
    (
        "admin.applications.client_id_hint",
        "Letters, digits, '-', '_' and '.'. Empty: a random ID is made.",
    ),
    ("admin.applications.grants", "Grant types"),
    (
        "admin.applications.grants_hint",
        "With none ticked, authorization code and refresh tokens are used.",
    ),
    (
        "admin.applications.grant.authorization_code",
        "Authorization code",
    ),
    ("admin.applications.grant.refresh_token", "Refresh tokens"),
    (
        "admin.applications.grant.client_credentials",
        "Client credentials",
    ),
    (
        "admin.applications.grant.device_code",
        "Device authorization",
    ),
    (
        "admin.applications.grant.token_exchange",
        "Token exchange (services acting for a user)",
    ),
    (
        "admin.applications.auth_method",
        "Token endpoint authentication",
    ),
    (
        "admin.applications.auth_method_hint",
        "client_secret_basic sends the secret in the Authorization header; private_key_jwt signs with the application's own key (needs its JWKS).",
    ),
    ("admin.applications.jwks", "Public keys (JWKS)"),
    (
        "admin.applications.jwks_hint",
        "A JSON document with a \"keys\" array, for private_key_jwt.",
    ),
    (
        "admin.applications.jwks_uri",
        "Public keys address (jwks_uri)",
    ),
    (
        "admin.applications.jwks_uri_hint",
        "An https address serving the application's JWKS, instead of pasting it above; used for private_key_jwt and signed request objects (RFC 9101).",
    ),
    (
        "admin.applications.id_token_alg",
        "ID token signing algorithm",
    ),
    (
        "admin.applications.access_token_alg",
        "Access token signing algorithm",
    ),
    (
        "admin.applications.backchannel_logout_uri",
        "Back-channel logout URI",
    ),
    (
        "admin.applications.backchannel_hint",
        "Ostiary posts a logout token here when a user's session ends.",
    ),
    ("admin.applications.logo_uri", "Logo URL"),
    ("admin.applications.policy_uri", "Privacy policy URL"),
    ("admin.applications.tos_uri", "Terms of service URL"),
    (
        "admin.applications.organization_hint",
        "Its organization's administrators manage it. Without one, only global administrators do.",
    ),
    ("admin.applications.create", "Create application"),
    ("admin.applications.created", "Application created"),
    ("admin.applications.rotated", "New client secret"),
    (
        "admin.applications.created_lead",
        "<strong>{}</strong> ({}) is ready. Configure your application with these values.",
    ),
    ("admin.applications.credentials", "Credentials"),
    ("admin.applications.client_secret", "Client secret"),
    (
        "admin.applications.public_no_secret",
        "A public client has no secret: it proves itself with PKCE on every sign-in.",
    ),
    ("admin.applications.snippet", "Configuration"),
    (
        "admin.applications.snippet_hint",
        "Ready to paste into your application's environment (.env). Libraries that read discovery need only the issuer, client ID and secret.",
    ),
    ("admin.applications.open_settings", "Application settings"),
    ("admin.applications.back_to_list", "All applications"),
    ("admin.applications.public", "Public"),
    ("admin.applications.confidential", "Confidential"),
    (
        "admin.applications.deleted_notice",
        "This application is deleted: it cannot sign anyone in or get tokens.",
    ),
    ("admin.applications.overview", "Overview"),
    ("admin.applications.pkce", "PKCE"),
    ("admin.applications.require_pkce", "Require PKCE"),
    ("admin.applications.par", "Pushed requests"),
    (
        "admin.applications.require_par",
        "Require pushed authorization requests",
    ),
    (
        "admin.applications.require_par_hint",
        "The application must send its sign-in parameters to the /par endpoint first (RFC 9126), so they cannot be read or changed in the browser. Only for software that supports it (FAPI 2.0 requires it).",
    ),
    (
        "admin.applications.par_required",
        "Required: sign-ins only through /par",
    ),
    ("admin.applications.par_optional", "Accepted, not required"),
    ("admin.applications.dpop", "DPoP"),
    ("admin.applications.dpop_bound", "Require DPoP-bound tokens"),
    (
        "admin.applications.dpop_bound_hint",
        "Every token request must carry a DPoP proof (RFC 9449), so the tokens only work together with the application's private key and are useless if stolen. Only for software that supports DPoP.",
    ),
    (
        "admin.applications.dpop_required",
        "Required: tokens only with a DPoP proof",
    ),
    ("admin.applications.dpop_optional", "Accepted, not required"),
    (
        "admin.applications.require_pkce_hint",
        "Every sign-in must carry a PKCE challenge (S256), which stops stolen or injected codes. Recommended for every application (RFC 9700); leave it off only for software that cannot send one.",
    ),
    (
        "admin.applications.pkce_required",
        "Required (S256) for every sign-in",
    ),
    (
        "admin.applications.pkce_optional",
        "Accepted (S256) and checked when sent; recommended",
    ),
    ("admin.applications.settings", "Settings"),
    (
        "admin.applications.rotate_hint",
        "A new secret replaces the current one at once: the old secret stops working immediately.",
    ),
    (
        "admin.applications.rotate_reauth",
        "You will be asked to sign in again first.",
    ),
    ("admin.applications.rotate", "Rotate secret…"),
    (
        "admin.applications.rotate_confirm",
        "The application stops working until it is configured with the new secret. Continue?",
    ),
    ("admin.applications.rotate_yes", "Yes, rotate the secret"),
    ("admin.applications.delete_title", "Delete this application"),
    (
        "admin.applications.delete_hint",
        "It stops working everywhere and its users' grants and refresh tokens end. A global administrator can restore it.",
    ),
    ("admin.applications.delete", "Delete…"),
    (
        "admin.applications.delete_confirm",
        "Delete <strong>{}</strong>? Users are signed out of it and its tokens stop working.",
    ),
    (
        "admin.applications.global_only",
        "Only a global administrator restores a deleted application.",
    ),
    (
        "admin.applications.no_organization",
        "Choose one of your organizations.",
    ),
    (
        "admin.applications.choose_kind",
        "Choose the kind of application first.",
    ),
    (
        "admin.applications.id_taken",
        "An application with this client ID exists already.",
    ),
    ("admin.notice.application_saved", "Settings saved."),
    ("admin.notice.application_deleted", "Application deleted."),
    ("admin.notice.application_restored", "Application restored."),
    (
        "admin.error.application_public",
        "A public client has no secret to rotate.",
    ),
    (
        "admin.error.application_not_deleted",
        "This application is not deleted.",
    ),
];

/// German (Sie-Form).
pub const DE: &[(&str, &str)] = &[
    ("admin.applications.new", "Neue Anwendung"),
    (
        "admin.applications.lead",
        "Anwendungen (OpenID-Connect-Clients), die Benutzer mit Ostiary anmelden oder APIs aufrufen.",
    ),
    ("admin.applications.search_hint", "Name oder Client-ID"),
    (
        "admin.applications.empty",
        "Noch keine Anwendungen. Registrieren Sie die erste, damit sie Benutzer anmelden kann.",
    ),
    ("admin.applications.pages", "Seiten"),
    ("admin.applications.name", "Name"),
    ("admin.applications.client_id", "Client-ID"),
    ("admin.applications.type", "Art"),
    ("admin.applications.organization", "Organisation"),
    ("admin.applications.no_org", "Keine (global)"),
    ("admin.applications.step_kind", "Art der Anwendung"),
    ("admin.applications.step_settings", "Einstellungen"),
    ("admin.applications.step_done", "Zugangsdaten"),
    ("admin.applications.next", "Weiter"),
    ("admin.applications.kind.web", "Webanwendung"),
    (
        "admin.applications.kind.web_text",
        "Eine serverseitige Anwendung (Rails, Django, Spring, Next.js auf einem Server), die ein Geheimnis bewahren kann.",
    ),
    (
        "admin.applications.kind.web_setup",
        "Vertraulicher Client: Autorisierungscode und Refresh-Tokens, Client-Geheimnis (HTTP Basic), PKCE S256 verlangt (im nächsten Schritt abschaltbar).",
    ),
    ("admin.applications.kind.spa", "Single-Page-Anwendung"),
    (
        "admin.applications.kind.spa_text",
        "JavaScript im Browser (React, Vue, Angular); sie kann kein Geheimnis bewahren.",
    ),
    (
        "admin.applications.kind.spa_setup",
        "Öffentlicher Client: Autorisierungscode mit PKCE S256 (Pflicht), Refresh-Tokens, kein Geheimnis; seine Origins dürfen den Token-Endpunkt aufrufen.",
    ),
    ("admin.applications.kind.native", "Native Anwendung"),
    (
        "admin.applications.kind.native_text",
        "Eine Mobil- oder Desktop-App, die Benutzer über den Systembrowser anmeldet.",
    ),
    (
        "admin.applications.kind.native_setup",
        "Öffentlicher Client: Autorisierungscode mit PKCE S256 (Pflicht), Refresh-Tokens, kein Geheimnis; Weiterleitung an ein App-Schema oder an Loopback.",
    ),
    ("admin.applications.kind.m2m", "Maschine zu Maschine"),
    (
        "admin.applications.kind.m2m_text",
        "Ein Dienst, Skript oder Daemon, der ohne Benutzer in eigenem Namen eine API aufruft.",
    ),
    (
        "admin.applications.kind.m2m_setup",
        "Vertraulicher Client: nur Client-Credentials-Grant, Client-Geheimnis (HTTP Basic), keine Weiterleitung.",
    ),
    ("admin.applications.kind.device", "Gerät"),
    (
        "admin.applications.kind.device_text",
        "Ein Fernseher, eine Konsole oder ein Kommandozeilenprogramm; Benutzer bestätigen einen Code auf einem anderen Gerät.",
    ),
    (
        "admin.applications.kind.device_setup",
        "Öffentlicher Client: Device-Authorization-Grant und Refresh-Tokens, kein Geheimnis, keine Weiterleitung.",
    ),
    ("admin.applications.new_of_kind", "Neue Anwendung: {}"),
    ("admin.applications.invalid", "Nicht akzeptiert:"),
    (
        "admin.applications.name_hint",
        "Wird Benutzern bei der Anmeldung und auf der Zustimmungsseite angezeigt.",
    ),
    ("admin.applications.redirect_uris", "Weiterleitungs-URIs"),
    (
        "admin.applications.redirect_hint",
        "Eine pro Zeile, genau so, wie Ihre Anwendung sie sendet, z. B. https://app.example.com/callback. Einfaches http nur für localhost.",
    ),
    (
        "admin.applications.redirect_native_hint",
        "Eine pro Zeile: ein App-Schema in umgekehrter Domain-Schreibweise (com.example.app:/callback) oder eine Loopback-Adresse (http://127.0.0.1/callback, beliebiger Port).",
    ),
    ("admin.applications.allowed_origins", "Erlaubte Origins"),
    (
        "admin.applications.origins_hint",
        "Eine pro Zeile, nur Schema und Host (https://app.example.com): die Seiten, die den Token-Endpunkt aus dem Browser aufrufen dürfen.",
    ),
    (
        "admin.applications.post_logout_uris",
        "Weiterleitungs-URIs nach der Abmeldung",
    ),
    ("admin.applications.optional", "(optional)"),
    (
        "admin.applications.post_logout_hint",
        "Eine pro Zeile: wohin Benutzer nach der Abmeldung geschickt werden dürfen.",
    ),
    ("admin.applications.scopes", "Scopes"),
    (
        "admin.applications.scopes_hint",
        "Durch Leerzeichen getrennt. Leer: openid profile email offline_access groups.",
    ),
    (
        "admin.applications.scopes_m2m_hint",
        "Die Scopes, die dieser Dienst anfordern darf, durch Leerzeichen getrennt.",
    ),
    (
        "admin.applications.audiences",
        "Ressourcenserver (Audiences)",
    ),
    (
        "admin.applications.audiences_hint",
        "Einer pro Zeile: die APIs, für die seine Zugriffstokens gelten dürfen (RFC 8707). Leer: alle.",
    ),
    (
        "admin.applications.skip_consent",
        "Eigene Anwendung: Benutzer nicht um Zustimmung bitten",
    ),
    (
        "admin.applications.skip_consent_hint",
        "Nur für Anwendungen, die Ihre Organisation selbst betreibt. Anwendungen Dritter sollten immer fragen.",
    ),
    ("admin.applications.advanced", "Erweiterte Einstellungen"),
    (
        "admin.applications.client_id_hint",
        "Buchstaben, Ziffern, „-“, „_“ und „.“. Leer: eine zufällige ID wird erzeugt.",
    ),
    ("admin.applications.grants", "Grant-Typen"),
    (
        "admin.applications.grants_hint",
        "Ist keiner ausgewählt, gelten Autorisierungscode und Refresh-Tokens.",
    ),
    (
        "admin.applications.grant.authorization_code",
        "Autorisierungscode",
    ),
    ("admin.applications.grant.refresh_token", "Refresh-Tokens"),
    (
        "admin.applications.grant.client_credentials",
        "Client-Credentials",
    ),
    (
        "admin.applications.grant.device_code",
        "Geräteautorisierung",
    ),
    (
        "admin.applications.grant.token_exchange",
        "Token-Austausch (Dienste, die für einen Benutzer handeln)",
    ),
    (
        "admin.applications.auth_method",
        "Authentifizierung am Token-Endpunkt",
    ),
    (
        "admin.applications.auth_method_hint",
        "client_secret_basic sendet das Geheimnis im Authorization-Header; private_key_jwt signiert mit dem eigenen Schlüssel der Anwendung (braucht ihr JWKS).",
    ),
    ("admin.applications.jwks", "Öffentliche Schlüssel (JWKS)"),
    (
        "admin.applications.jwks_hint",
        "Ein JSON-Dokument mit einem „keys“-Array, für private_key_jwt.",
    ),
    (
        "admin.applications.jwks_uri",
        "Adresse der öffentlichen Schlüssel (jwks_uri)",
    ),
    (
        "admin.applications.jwks_uri_hint",
        "Eine https-Adresse, unter der die Anwendung ihr JWKS bereitstellt, statt es oben einzufügen; für private_key_jwt und signierte Request-Objekte (RFC 9101).",
    ),
    (
        "admin.applications.id_token_alg",
        "Signaturalgorithmus des ID-Tokens",
    ),
    (
        "admin.applications.access_token_alg",
        "Signaturalgorithmus des Zugriffstokens",
    ),
    (
        "admin.applications.backchannel_logout_uri",
        "Back-Channel-Logout-URI",
    ),
    (
        "admin.applications.backchannel_hint",
        "Ostiary sendet hierhin ein Logout-Token, wenn die Sitzung eines Benutzers endet.",
    ),
    ("admin.applications.logo_uri", "Logo-URL"),
    (
        "admin.applications.policy_uri",
        "URL der Datenschutzerklärung",
    ),
    ("admin.applications.tos_uri", "URL der Nutzungsbedingungen"),
    (
        "admin.applications.organization_hint",
        "Die Administratoren ihrer Organisation verwalten sie. Ohne Organisation nur globale Administratoren.",
    ),
    ("admin.applications.create", "Anwendung anlegen"),
    ("admin.applications.created", "Anwendung angelegt"),
    ("admin.applications.rotated", "Neues Client-Geheimnis"),
    (
        "admin.applications.created_lead",
        "<strong>{}</strong> ({}) ist bereit. Konfigurieren Sie Ihre Anwendung mit diesen Werten.",
    ),
    ("admin.applications.credentials", "Zugangsdaten"),
    ("admin.applications.client_secret", "Client-Geheimnis"),
    (
        "admin.applications.public_no_secret",
        "Ein öffentlicher Client hat kein Geheimnis: Er weist sich bei jeder Anmeldung mit PKCE aus.",
    ),
    ("admin.applications.snippet", "Konfiguration"),
    (
        "admin.applications.snippet_hint",
        "Zum Einfügen in die Umgebung Ihrer Anwendung (.env). Bibliotheken, die Discovery lesen, brauchen nur Issuer, Client-ID und Geheimnis.",
    ),
    (
        "admin.applications.open_settings",
        "Einstellungen der Anwendung",
    ),
    ("admin.applications.back_to_list", "Alle Anwendungen"),
    ("admin.applications.public", "Öffentlich"),
    ("admin.applications.confidential", "Vertraulich"),
    (
        "admin.applications.deleted_notice",
        "Diese Anwendung ist gelöscht: Sie kann niemanden anmelden und keine Tokens erhalten.",
    ),
    ("admin.applications.overview", "Überblick"),
    ("admin.applications.pkce", "PKCE"),
    ("admin.applications.require_pkce", "PKCE verlangen"),
    ("admin.applications.par", "Vorab übermittelte Anfragen"),
    (
        "admin.applications.require_par",
        "Vorab übermittelte Anmeldeanfragen verlangen",
    ),
    (
        "admin.applications.require_par_hint",
        "Die Anwendung muss ihre Anmeldeparameter zuerst an den /par-Endpunkt senden (RFC 9126), sodass sie im Browser weder lesbar noch veränderbar sind. Nur für Software, die das unterstützt (FAPI 2.0 verlangt es).",
    ),
    (
        "admin.applications.par_required",
        "Verlangt: Anmeldungen nur über /par",
    ),
    (
        "admin.applications.par_optional",
        "Angenommen, nicht verlangt",
    ),
    ("admin.applications.dpop", "DPoP"),
    (
        "admin.applications.dpop_bound",
        "DPoP-gebundene Tokens verlangen",
    ),
    (
        "admin.applications.dpop_bound_hint",
        "Jede Token-Anfrage muss einen DPoP-Nachweis mitsenden (RFC 9449); die Tokens funktionieren dann nur zusammen mit dem privaten Schlüssel der Anwendung und sind gestohlen wertlos. Nur für Software, die DPoP unterstützt.",
    ),
    (
        "admin.applications.dpop_required",
        "Verlangt: Tokens nur mit DPoP-Nachweis",
    ),
    (
        "admin.applications.dpop_optional",
        "Angenommen, nicht verlangt",
    ),
    (
        "admin.applications.require_pkce_hint",
        "Jede Anmeldung muss eine PKCE-Challenge (S256) mitsenden; das verhindert gestohlene oder eingeschleuste Codes. Für jede Anwendung empfohlen (RFC 9700); schalten Sie es nur für Software ab, die keine senden kann.",
    ),
    (
        "admin.applications.pkce_required",
        "Pflicht (S256) bei jeder Anmeldung",
    ),
    (
        "admin.applications.pkce_optional",
        "Akzeptiert (S256) und geprüft, wenn gesendet; empfohlen",
    ),
    ("admin.applications.settings", "Einstellungen"),
    (
        "admin.applications.rotate_hint",
        "Ein neues Geheimnis ersetzt das aktuelle sofort: Das alte funktioniert ab sofort nicht mehr.",
    ),
    (
        "admin.applications.rotate_reauth",
        "Sie werden zuerst gebeten, sich erneut anzumelden.",
    ),
    ("admin.applications.rotate", "Geheimnis erneuern …"),
    (
        "admin.applications.rotate_confirm",
        "Die Anwendung funktioniert erst wieder, wenn sie mit dem neuen Geheimnis konfiguriert ist. Fortfahren?",
    ),
    ("admin.applications.rotate_yes", "Ja, Geheimnis erneuern"),
    ("admin.applications.delete_title", "Diese Anwendung löschen"),
    (
        "admin.applications.delete_hint",
        "Sie funktioniert nirgends mehr, und die Freigaben und Refresh-Tokens ihrer Benutzer enden. Ein globaler Administrator kann sie wiederherstellen.",
    ),
    ("admin.applications.delete", "Löschen …"),
    (
        "admin.applications.delete_confirm",
        "<strong>{}</strong> löschen? Benutzer werden dort abgemeldet, und ihre Tokens funktionieren nicht mehr.",
    ),
    (
        "admin.applications.global_only",
        "Nur ein globaler Administrator stellt eine gelöschte Anwendung wieder her.",
    ),
    (
        "admin.applications.no_organization",
        "Wählen Sie eine Ihrer Organisationen.",
    ),
    (
        "admin.applications.choose_kind",
        "Wählen Sie zuerst die Art der Anwendung.",
    ),
    (
        "admin.applications.id_taken",
        "Es gibt bereits eine Anwendung mit dieser Client-ID.",
    ),
    (
        "admin.notice.application_saved",
        "Einstellungen gespeichert.",
    ),
    ("admin.notice.application_deleted", "Anwendung gelöscht."),
    (
        "admin.notice.application_restored",
        "Anwendung wiederhergestellt.",
    ),
    (
        "admin.error.application_public",
        "Ein öffentlicher Client hat kein Geheimnis, das erneuert werden könnte.",
    ),
    (
        "admin.error.application_not_deleted",
        "Diese Anwendung ist nicht gelöscht.",
    ),
];
