//! The console's SSO provider and MFA policy messages (keys
//! `admin.providers.*`, `admin.mfa_policies.*` and their notices and
//! errors), English then German.

/// English.
pub const EN: &[(&str, &str)] = &[
    // Flash messages.
    (
        "admin.notice.provider_created",
        "The provider is saved. Register the callback URL at the provider, then test the connection.",
    ),
    (
        "admin.notice.provider_saved",
        "The provider's settings are saved.",
    ),
    (
        "admin.notice.provider_deleted",
        "The provider is deleted: nobody signs in through it any more and its email domains are free.",
    ),
    (
        "admin.notice.provider_restored",
        "The provider is restored, with its email domains.",
    ),
    (
        "admin.notice.provider_restored_domains_lost",
        "The provider is restored. Some of its email domains were claimed by another provider meanwhile and stay there.",
    ),
    (
        "admin.notice.mfa_accepted",
        "Sign-ins through this type of provider now count its own second factor.",
    ),
    (
        "admin.notice.provider_created_mfa_accepted",
        "The provider is saved, and sign-ins through this type of provider now count its own second factor. Register the callback URL at the provider, then test the connection.",
    ),
    ("admin.notice.mfa_policy_saved", "The MFA rule is saved."),
    (
        "admin.notice.mfa_policy_deleted",
        "The MFA rule is deleted.",
    ),
    (
        "admin.error.provider_not_deleted",
        "This provider is not deleted.",
    ),
    (
        "admin.error.mfa_global_only",
        "Only a superuser can accept an upstream's MFA.",
    ),
    (
        "admin.error.mfa_unknown_upstream",
        "Choose a type of provider from the list.",
    ),
    // The list.
    ("admin.providers.title", "SSO providers"),
    ("admin.providers.new", "New SSO provider"),
    (
        "admin.providers.lead",
        "Let people sign in with an account they already have: Google, Microsoft, Okta, GitHub or any OpenID Connect provider.",
    ),
    ("admin.providers.search_hint", "Name or id"),
    (
        "admin.providers.none_yet",
        "No SSO provider yet. Add one to offer its button on the sign-in page.",
    ),
    ("admin.providers.name", "Name"),
    ("admin.providers.kind", "Type"),
    ("admin.providers.organization", "Organization"),
    ("admin.providers.domains", "Email domains"),
    ("admin.providers.button_shows", "Button: {}"),
    ("admin.providers.all_organizations", "None"),
    ("admin.providers.enabled", "On"),
    ("admin.providers.disabled", "Off"),
    ("admin.providers.pages", "Pages"),
    // The wizard.
    ("admin.providers.step_kind", "Type of provider"),
    ("admin.providers.step_settings", "Connection and settings"),
    ("admin.providers.coming_soon", "Coming soon"),
    ("admin.providers.continue", "Continue"),
    (
        "admin.providers.coming_soon_error",
        "This type of provider is not available yet. Choose another.",
    ),
    ("admin.providers.pick_kind", "Choose a type of provider."),
    ("admin.providers.kind.oidc", "OpenID Connect"),
    (
        "admin.providers.kind.oidc_text",
        "Any provider that speaks OpenID Connect: Keycloak, Authentik, Auth0, Zitadel, another Ostiary…",
    ),
    ("admin.providers.kind.google", "Google"),
    (
        "admin.providers.kind.google_text",
        "Google accounts, or only those of your Google Workspace.",
    ),
    ("admin.providers.kind.entra", "Microsoft Entra ID"),
    (
        "admin.providers.kind.entra_text",
        "Microsoft work or school accounts (formerly Azure AD), of one tenant or any.",
    ),
    ("admin.providers.kind.okta", "Okta"),
    (
        "admin.providers.kind.okta_text",
        "The people of your Okta organization.",
    ),
    ("admin.providers.kind.jumpcloud", "JumpCloud"),
    (
        "admin.providers.kind.jumpcloud_text",
        "The people of your JumpCloud directory.",
    ),
    ("admin.providers.kind.github", "GitHub"),
    (
        "admin.providers.kind.github_text",
        "GitHub accounts, or those of a GitHub Enterprise Server.",
    ),
    ("admin.providers.kind.saml", "SAML 2.0"),
    (
        "admin.providers.kind.saml_text",
        "Identity providers that speak SAML (ADFS, Shibboleth, …).",
    ),
    ("admin.providers.kind.ldap", "LDAP / Active Directory"),
    (
        "admin.providers.kind.ldap_text",
        "A directory checked with the password people type (Active Directory, OpenLDAP).",
    ),
    (
        "admin.providers.setup.oidc",
        "At your provider, register a confidential web application (authorization code flow) with this redirect URI, then copy its client ID and secret below.",
    ),
    (
        "admin.providers.setup.google",
        "In the Google Cloud console, open APIs & Services → Credentials → Create credentials → OAuth client ID (web application) and add this URI under “Authorized redirect URIs”. Copy the client ID and secret below.",
    ),
    (
        "admin.providers.setup.entra",
        "In the Microsoft Entra admin center, open App registrations → New registration and add this URI as a redirect URI of the Web platform. Then create a secret under Certificates & secrets, and copy the application (client) ID and the secret's value below.",
    ),
    (
        "admin.providers.setup.okta",
        "In the Okta Admin Console, open Applications → Create App Integration → OIDC, Web Application and enter this URI as the sign-in redirect URI. Copy the client ID and secret below.",
    ),
    (
        "admin.providers.setup.jumpcloud",
        "In the JumpCloud Admin Portal, open SSO Applications → Add New Application → Custom OIDC App, enter this URI as the redirect URI and choose the authorization code grant with client secret (basic). Copy the client ID and secret below.",
    ),
    (
        "admin.providers.setup.ldap",
        "People of the claimed domains type their directory password on the sign-in page; nothing is registered at the directory. Change the directory's settings below, then test the connection.",
    ),
    (
        "admin.providers.setup.github",
        "On GitHub, open Settings → Developer settings → OAuth Apps → New OAuth App and enter this URI as the authorization callback URL. Copy the client ID and a new client secret below.",
    ),
    (
        "admin.providers.issuer_hint.oidc",
        "The provider's issuer, as its /.well-known/openid-configuration names it, e.g. https://id.example.com/realms/main.",
    ),
    (
        "admin.providers.issuer_hint.okta",
        "Your Okta address, e.g. https://example.okta.com, or an authorization server's, e.g. https://example.okta.com/oauth2/default.",
    ),
    (
        "admin.providers.issuer_hint.jumpcloud",
        "Usually https://oauth.id.jumpcloud.com/ (with the final slash).",
    ),
    ("admin.providers.new_kind", "New {} provider"),
    (
        "admin.providers.callback_title",
        "Callback URL to register at the provider",
    ),
    (
        "admin.providers.callback_before_saving",
        "This address already holds the new provider's id: you can register it at the provider now, before saving. It does not change later.",
    ),
    ("admin.providers.create", "Save provider"),
    // The fields.
    ("admin.providers.section_connection", "Connection"),
    ("admin.providers.issuer", "Issuer URL"),
    ("admin.providers.tenant", "Tenant"),
    (
        "admin.providers.tenant_hint",
        "Your directory (tenant) ID or primary domain for your organization's accounts only; “organizations” for any work or school account; “common” for those and personal Microsoft accounts.",
    ),
    ("admin.providers.hosted_domain", "Google Workspace domain"),
    ("admin.providers.optional", "(optional)"),
    (
        "admin.providers.hosted_domain_hint",
        "Only accounts of this Workspace domain get in. Empty: any Google account.",
    ),
    ("admin.providers.client_id", "Client ID"),
    (
        "admin.providers.client_id_hint",
        "The application's ID at the provider.",
    ),
    ("admin.providers.client_secret", "Client secret"),
    (
        "admin.providers.client_secret_hint",
        "Kept encrypted and never shown again.",
    ),
    (
        "admin.providers.client_secret_keep",
        "A secret is stored (never shown). Leave this empty to keep it, or enter a new one to replace it.",
    ),
    ("admin.providers.client_secret_none", "No secret is stored."),
    ("admin.providers.advanced", "Advanced settings"),
    ("admin.providers.scopes", "Scopes"),
    (
        "admin.providers.scopes_hint",
        "Separated by spaces. Empty: openid email profile.",
    ),
    ("admin.providers.auth_method", "Client authentication"),
    (
        "admin.providers.auth_basic",
        "Secret in the Authorization header (client_secret_basic)",
    ),
    (
        "admin.providers.auth_post",
        "Secret in the request body (client_secret_post)",
    ),
    (
        "admin.providers.auth_method_hint",
        "How Ostiary presents the secret at the provider's token endpoint; most providers accept both.",
    ),
    ("admin.providers.authority_url", "Authority"),
    (
        "admin.providers.authority_url_hint",
        "Only for national clouds. Empty: https://login.microsoftonline.com.",
    ),
    (
        "admin.providers.enterprise_hint",
        "Only for GitHub Enterprise Server: both addresses, or neither for github.com.",
    ),
    ("admin.providers.web_url", "GitHub Enterprise address"),
    ("admin.providers.api_url", "GitHub Enterprise API address"),
    ("admin.providers.section_sign_in", "Sign-in"),
    (
        "admin.providers.name_hint",
        "Shown to administrators, and on the sign-in button unless a button label is set.",
    ),
    ("admin.providers.button_label", "Button label"),
    (
        "admin.providers.button_label_hint",
        "The text of the sign-in button, e.g. “Sign in with Acme SSO”.",
    ),
    ("admin.providers.no_organization", "No organization"),
    (
        "admin.providers.organization_hint",
        "People who sign in through this provider for the first time join this organization.",
    ),
    (
        "admin.providers.domains_hint",
        "One per line. Whoever enters an address of these domains on the sign-in page goes straight to this provider (identifier-first).",
    ),
    (
        "admin.providers.trust_email",
        "Trust the provider's verified email addresses",
    ),
    (
        "admin.providers.trust_email_hint",
        "A sign-in with a verified address joins the existing account with that address. Only for providers that control their addresses (your own directory), never for public ones.",
    ),
    (
        "admin.providers.domains_superuser",
        "Only a superuser can claim email domains or trust a provider's addresses.",
    ),
    ("admin.providers.jit", "Create accounts on first sign-in"),
    (
        "admin.providers.jit_hint",
        "Off: only people who already have an account here get in.",
    ),
    (
        "admin.providers.allow_local_passwords",
        "Keep passwords for these domains",
    ),
    (
        "admin.providers.allow_local_passwords_hint",
        "People of the claimed domains may still sign in with a password here.",
    ),
    ("admin.providers.keep_tokens", "Keep the provider's tokens"),
    (
        "admin.providers.keep_tokens_hint",
        "Store the provider's access and refresh tokens (encrypted) with the account, for applications that call the provider's APIs.",
    ),
    ("admin.providers.enabled_field", "Sign-in on"),
    (
        "admin.providers.enabled_hint",
        "Off: the button is hidden and nobody signs in through it (you can still test the connection).",
    ),
    ("admin.providers.section_mfa", "Multi-factor authentication"),
    (
        "admin.providers.mfa_accepted",
        "The second factor of {} providers is accepted: a sign-in where it reports one counts as multi-factor.",
    ),
    (
        "admin.providers.mfa_not_accepted",
        "The second factor of {} providers is not accepted: where MFA is required, people add one here too.",
    ),
    (
        "admin.providers.accept_mfa",
        "Accept the MFA of {} providers",
    ),
    (
        "admin.providers.accept_mfa_hint",
        "When a sign-in through such a provider reports a second factor (amr mfa, otp or hwk), Ostiary counts it as MFA instead of asking for its own. It applies to every provider of this type and is recorded in the audit log.",
    ),
    (
        "admin.providers.mfa_superuser",
        "Only a superuser can accept an upstream's MFA.",
    ),
    (
        "admin.providers.mfa_directory",
        "A directory sign-in is a password sign-in: there is no upstream MFA to accept. Ostiary asks for its own second factor wherever an MFA rule requires one (for example an upstream rule for ldap).",
    ),
    // A provider's page.
    (
        "admin.providers.deleted_note",
        "This provider is deleted: it shows no button, routes no domain and signs nobody in.",
    ),
    ("admin.providers.test_title", "Test connection"),
    ("admin.providers.test", "Test connection"),
    (
        "admin.providers.test_ok",
        "Every check passed: the provider is reachable and configured as expected.",
    ),
    (
        "admin.providers.test_failed",
        "A check failed: see below what to fix.",
    ),
    ("admin.providers.check_passed", "passed"),
    ("admin.providers.check_failed", "failed"),
    (
        "admin.providers.test_hint",
        "Reaches the provider now the way sign-in will, and reports each step.",
    ),
    ("admin.providers.settings", "Settings"),
    ("admin.providers.restore_title", "Restore"),
    ("admin.providers.delete_title", "Delete"),
    (
        "admin.providers.restore_hint",
        "Brings the provider back with the email domains no other provider claimed meanwhile.",
    ),
    (
        "admin.providers.delete_hint",
        "Nobody signs in through this provider any more and its email domains are released. Accounts stay; a superuser can restore it.",
    ),
    ("admin.providers.delete", "Delete provider…"),
    (
        "admin.providers.delete_confirm",
        "Delete {}? Its button disappears from the sign-in page at once.",
    ),
    ("admin.providers.check.discovery", "Discovery document"),
    ("admin.providers.check.issuer", "Issuer"),
    (
        "admin.providers.check.endpoints",
        "Authorization and token endpoints",
    ),
    ("admin.providers.check.keys", "Signing keys"),
    ("admin.providers.check.api", "GitHub API"),
    ("admin.providers.check.web", "GitHub sign-in page"),
    ("admin.providers.check.kind", "Type of provider"),
    ("admin.providers.check.connect", "Directory connection"),
    ("admin.providers.check.tls", "TLS"),
    ("admin.providers.check.service_bind", "Service account"),
    ("admin.providers.check.search_base", "Search bases"),
    (
        "admin.notice.provider_created_saml",
        "The provider is saved. Register its entity ID and ACS URL (or its metadata URL) at the IdP, then test the connection.",
    ),
    (
        "admin.providers.setup.saml",
        "Register Ostiary at your identity provider as a SAML service provider with these addresses (or give it our metadata URL).",
    ),
    (
        "admin.providers.saml.sp_title",
        "What to register at the identity provider",
    ),
    ("admin.providers.saml.entity_id", "Entity ID (audience)"),
    (
        "admin.providers.saml.acs_url",
        "Assertion Consumer Service URL (HTTP-POST)",
    ),
    (
        "admin.providers.saml.sp_metadata_url",
        "Ostiary's SAML metadata",
    ),
    (
        "admin.providers.saml.sp_metadata_link",
        "Open Ostiary's SAML metadata",
    ),
    (
        "admin.providers.saml.sp_before_saving",
        "These addresses are this provider's already: register them now; the metadata answers once the provider is saved.",
    ),
    ("admin.providers.saml.metadata_url", "IdP metadata URL"),
    (
        "admin.providers.saml.metadata_url_hint",
        "Where the identity provider publishes its SAML metadata (https). Ostiary fetches it now and every day.",
    ),
    (
        "admin.providers.saml.metadata_url_replace",
        "A new address replaces the stored metadata (checked first; Ostiary's key stays). Leave it to keep the metadata.",
    ),
    ("admin.providers.saml.preset", "Identity provider product"),
    (
        "admin.providers.saml.preset_none",
        "Other (usual attribute names)",
    ),
    (
        "admin.providers.saml.preset_hint",
        "Where it puts email, name and groups by default. The fields below override it.",
    ),
    ("admin.providers.saml.attributes", "Attribute names"),
    (
        "admin.providers.saml.attributes_hint",
        "Leave empty to use the product's names, or the usual ones shown.",
    ),
    ("admin.providers.saml.attribute_email", "Email attribute"),
    (
        "admin.providers.saml.attribute_name",
        "Display name attribute",
    ),
    ("admin.providers.saml.attribute_groups", "Groups attribute"),
    (
        "admin.providers.saml.allow_idp_initiated",
        "Accept sign-ins started at the identity provider",
    ),
    (
        "admin.providers.saml.allow_idp_initiated_hint",
        "Off by default: an unsolicited response is not bound to a sign-in of this browser, so a stolen or injected one could sign someone in. Turn it on only for an IdP portal people start from; every other check (signature, audience, time, replay) still applies.",
    ),
    (
        "admin.providers.invalid.metadata_url",
        "Ostiary could not use this metadata: it must be reachable over https (not at a private address) and name an entity ID, an HTTP-Redirect sign-on endpoint and a signing certificate.",
    ),
    (
        "admin.providers.invalid.saml_preset",
        "Choose one of the listed products.",
    ),
    (
        "admin.providers.invalid.attribute",
        "Enter an attribute name of at most 255 characters, or leave it empty.",
    ),
    (
        "admin.providers.saml.metadata_xml",
        "Or the IdP metadata document",
    ),
    (
        "admin.providers.saml.metadata_xml_hint",
        "Paste the XML, or choose the file (at most 1 MiB). Without a URL, the metadata is not refreshed: replace it here when the IdP changes it.",
    ),
    ("admin.providers.saml.metadata_file", "IdP metadata file"),
    (
        "admin.providers.saml.metadata_file_loaded",
        "The file is loaded into the field above.",
    ),
    (
        "admin.providers.saml.metadata_file_too_large",
        "This file is larger than 1 MiB: it is not metadata Ostiary reads.",
    ),
    (
        "admin.providers.invalid.metadata_xml",
        "Ostiary could not use this document: give either a URL or a document, and the metadata must name an entity ID, an HTTP-Redirect sign-on endpoint and a signing certificate, with no DTD.",
    ),
    (
        "admin.notice.saml_metadata_updated",
        "The IdP metadata changed and is updated (the change is in the audit log).",
    ),
    (
        "admin.notice.saml_metadata_unchanged",
        "The IdP metadata is unchanged.",
    ),
    (
        "admin.error.saml_metadata_kept",
        "The IdP metadata fetched now was refused: the stored metadata is kept. The reason is in the audit log.",
    ),
    (
        "admin.error.saml_metadata_no_url",
        "This provider has no metadata URL to fetch from.",
    ),
    ("admin.providers.saml.refresh", "Refresh IdP metadata"),
    (
        "admin.providers.saml.refresh_hint",
        "Ostiary fetches it every day; refresh now after a certificate change at the IdP.",
    ),
    ("admin.providers.check.metadata", "IdP metadata"),
    ("admin.providers.check.entity_id", "IdP entity ID"),
    (
        "admin.providers.check.signing_certificate",
        "Signing certificate",
    ),
    (
        "admin.providers.check.sso_endpoint",
        "Single sign-on endpoint",
    ),
    (
        "admin.providers.reason.entity_id_mismatch",
        "The metadata names another entity ID ({}): the IdP was replaced — import its metadata again.",
    ),
    (
        "admin.providers.reason.no_certificate",
        "The metadata holds no signing certificate.",
    ),
    (
        "admin.providers.reason.certificate_unreadable",
        "The signing certificate in the metadata cannot be read.",
    ),
    (
        "admin.providers.reason.certificate_expired",
        "The signing certificate expired on {}: import the IdP's new metadata.",
    ),
    (
        "admin.providers.reason.certificate_expires_soon",
        "The signing certificate expires soon (days left: {}): renew it at the IdP.",
    ),
    (
        "admin.providers.reason.no_sso_endpoint",
        "The metadata names no HTTP-Redirect single sign-on endpoint.",
    ),
    (
        "admin.providers.reason.tls_failed",
        "TLS could not be set up: the certificate is not trusted or does not name this host.",
    ),
    (
        "admin.providers.reason.bind_refused",
        "The directory refused the service account's DN or password.",
    ),
    (
        "admin.providers.reason.base_not_found",
        "A base DN names no entry the service account can read.",
    ),
    (
        "admin.providers.reason.unreachable",
        "No answer: check the address, and that Ostiary's server can reach it.",
    ),
    (
        "admin.providers.reason.refused_address",
        "Refused: the address is private or not https, which Ostiary does not call.",
    ),
    (
        "admin.providers.reason.http_status",
        "The provider answered with HTTP status {}.",
    ),
    (
        "admin.providers.reason.too_large",
        "The answer is too large.",
    ),
    (
        "admin.providers.reason.not_a_document",
        "The answer is not what the standard describes: check the address.",
    ),
    (
        "admin.providers.reason.issuer_mismatch",
        "The provider calls itself {}: enter exactly that as the issuer URL.",
    ),
    (
        "admin.providers.reason.no_token_endpoint",
        "The provider names no token endpoint.",
    ),
    (
        "admin.providers.reason.endpoint_refused",
        "An endpoint is private or not https, which Ostiary does not call.",
    ),
    (
        "admin.providers.reason.no_keys",
        "The provider publishes no signing key.",
    ),
    (
        "admin.providers.reason.not_an_api",
        "This address does not answer like GitHub's API.",
    ),
    (
        "admin.providers.reason.not_configured",
        "A setting is missing.",
    ),
    (
        "admin.providers.reason.unsupported",
        "This type of provider cannot be tested yet.",
    ),
    (
        "admin.providers.reason.earlier_step_failed",
        "Not checked: an earlier step failed.",
    ),
    // Refusals next to their fields.
    (
        "admin.providers.invalid.name",
        "Enter a name of 1 to 100 characters.",
    ),
    (
        "admin.providers.invalid.button_label",
        "A button label has 1 to 100 characters.",
    ),
    (
        "admin.providers.invalid.organization_id",
        "Choose one of your organizations.",
    ),
    (
        "admin.providers.invalid.domains",
        "Enter domain names like example.com, one per line.",
    ),
    (
        "admin.providers.invalid.trust_email",
        "Trusted email addresses cannot be set here.",
    ),
    (
        "admin.providers.invalid.issuer",
        "Enter the provider's https address, without query or fragment (private addresses are refused).",
    ),
    (
        "admin.providers.invalid.client_id",
        "Enter the client ID (at most 255 characters).",
    ),
    (
        "admin.providers.invalid.client_secret",
        "Enter the client secret (at most 4096 bytes).",
    ),
    (
        "admin.providers.invalid.scopes",
        "Scopes are words without quotes or backslashes, separated by spaces.",
    ),
    (
        "admin.providers.invalid.hosted_domain",
        "Enter a domain name like example.com, or nothing.",
    ),
    (
        "admin.providers.invalid.tenant",
        "Enter a tenant ID, a domain, “organizations” or “common”.",
    ),
    (
        "admin.providers.invalid.authority_url",
        "Enter an https address, or nothing for Microsoft's.",
    ),
    (
        "admin.providers.invalid.api_url",
        "Enter both GitHub Enterprise addresses as https addresses, or neither.",
    ),
    (
        "admin.providers.invalid.web_url",
        "Enter both GitHub Enterprise addresses as https addresses, or neither.",
    ),
    (
        "admin.providers.invalid.token_endpoint_auth_method",
        "Choose a client authentication from the list.",
    ),
    (
        "admin.providers.invalid.form",
        "This form cannot be saved: start again from the list of providers.",
    ),
    (
        "admin.providers.invalid.domain_taken",
        "One of these domains is claimed by another provider already.",
    ),
    (
        "admin.providers.privileged.domains",
        "Only a superuser can claim or release email domains: a claimed domain sends every sign-in of that domain to this provider.",
    ),
    (
        "admin.providers.privileged.trust_email",
        "Only a superuser can trust a provider's email addresses: it joins sign-ins to existing accounts with the same address.",
    ),
    (
        "admin.notice.provider_created_directory",
        "The directory is saved. Test the connection to check its service account and search bases.",
    ),
    ("admin.providers.superuser_only", "Superusers only"),
    (
        "admin.providers.global_only_error",
        "Only a superuser can set up this type of provider: a directory is reached on the internal network.",
    ),
    (
        "admin.providers.privileged.kind",
        "Only a superuser can set up or change an LDAP directory: it is reached on the internal network.",
    ),
    (
        "admin.providers.privileged.ca_file",
        "Only a superuser can name a CA file: it is a path on this server.",
    ),
    (
        "admin.providers.invalid.keep_tokens",
        "A directory issues no tokens to keep.",
    ),
    (
        "admin.providers.invalid.url",
        "Enter ldaps://host:port, or ldap://host:port with StartTLS, without path or credentials (private addresses need allow_private_targets).",
    ),
    (
        "admin.providers.invalid.starttls",
        "StartTLS is for ldap:// addresses only: an ldaps:// address is encrypted already.",
    ),
    (
        "admin.providers.invalid.allow_plaintext",
        "Plaintext is only allowed when ticked below, for development.",
    ),
    (
        "admin.providers.invalid.bind_dn",
        "Enter the service account's DN (like cn=ostiary,ou=services,dc=example,dc=com), or a user DN template for direct bind.",
    ),
    (
        "admin.providers.invalid.bind_password",
        "Enter the service account's password (at most 4096 bytes).",
    ),
    (
        "admin.providers.invalid.user_base_dn",
        "Enter the DN under which people are searched, like ou=people,dc=example,dc=com.",
    ),
    (
        "admin.providers.invalid.user_filter",
        "Enter an LDAP filter in parentheses that contains {username}, like (uid={username}).",
    ),
    (
        "admin.providers.invalid.user_dn_template",
        "Enter a DN that contains {username}, like uid={username},ou=people,dc=example,dc=com.",
    ),
    (
        "admin.providers.invalid.group_base_dn",
        "Enter a DN like ou=groups,dc=example,dc=com, or nothing.",
    ),
    (
        "admin.providers.invalid.active_directory",
        "This setting cannot be saved.",
    ),
    (
        "admin.providers.invalid.ca_file",
        "Enter the path of a readable PEM file of CA certificates on this server (needs ldaps:// or StartTLS).",
    ),
    (
        "admin.providers.ldap.needs_title",
        "Nothing to register at the directory",
    ),
    (
        "admin.providers.ldap.needs_text",
        "People of the claimed domains type their directory password on the sign-in page, and Ostiary checks it with the directory. The directory needs:",
    ),
    (
        "admin.providers.ldap.needs_network",
        "a network path from this server to its LDAP port (636 for ldaps://, 389 for StartTLS);",
    ),
    (
        "admin.providers.ldap.needs_account",
        "a service account that may search the people (and their groups) under the base DNs — or, for direct bind, a DN template that names each person;",
    ),
    (
        "admin.providers.ldap.needs_tls",
        "a certificate this server trusts (name a CA file for a private CA).",
    ),
    ("admin.providers.ldap.url", "Directory address"),
    (
        "admin.providers.ldap.url_hint",
        "ldaps://host:636, or ldap://host:389 with StartTLS.",
    ),
    ("admin.providers.ldap.starttls", "Use StartTLS"),
    (
        "admin.providers.ldap.starttls_hint",
        "Encrypt an ldap:// connection before anything is sent (not for ldaps://).",
    ),
    (
        "admin.providers.ldap.allow_plaintext",
        "Allow plaintext (development only)",
    ),
    ("admin.providers.ldap.warning", "Warning:"),
    (
        "admin.providers.ldap.allow_plaintext_hint",
        "without ldaps:// or StartTLS, people's passwords cross the network unencrypted. Never in production.",
    ),
    ("admin.providers.ldap.ca_file", "CA file"),
    (
        "admin.providers.ldap.ca_file_hint",
        "A PEM file on this server with the CA that signed the directory's certificate; empty: the system's CAs.",
    ),
    ("admin.providers.ldap.active_directory", "Active Directory"),
    (
        "admin.providers.ldap.active_directory_hint",
        "Read Active Directory's attributes (objectGUID, sAMAccountName, memberOf) and refuse disabled accounts; the default filter becomes Active Directory's.",
    ),
    ("admin.providers.ldap.search_title", "Search, then bind"),
    (
        "admin.providers.ldap.search_text",
        "The service account finds the person with the filter, then the person's own password is checked.",
    ),
    ("admin.providers.ldap.bind_dn", "Service account DN"),
    (
        "admin.providers.ldap.bind_dn_hint",
        "Read access to people and groups is enough.",
    ),
    (
        "admin.providers.ldap.bind_password",
        "Service account password",
    ),
    (
        "admin.providers.ldap.bind_password_hint",
        "Stored encrypted and never shown again.",
    ),
    (
        "admin.providers.ldap.bind_password_keep",
        "A password is stored (never shown). Leave empty to keep it.",
    ),
    (
        "admin.providers.ldap.bind_password_none",
        "No password is stored.",
    ),
    ("admin.providers.ldap.user_base_dn", "People base DN"),
    (
        "admin.providers.ldap.user_base_dn_hint",
        "Where people are searched, with everything below it.",
    ),
    ("admin.providers.ldap.user_filter", "User filter"),
    (
        "admin.providers.ldap.user_filter_hint",
        "{username} stands for what the person types (escaped). A filter left at a default follows the Active Directory switch:",
    ),
    ("admin.providers.ldap.direct_title", "Or bind directly"),
    ("admin.providers.ldap.user_dn_template", "User DN template"),
    (
        "admin.providers.ldap.user_dn_template_hint",
        "Instead of a service account: the person's DN with {username}, bound with their password. Leave the service account empty then.",
    ),
    ("admin.providers.ldap.groups_title", "Groups"),
    ("admin.providers.ldap.group_base_dn", "Groups base DN"),
    (
        "admin.providers.ldap.group_base_dn_hint",
        "Where the person's groups are looked up; empty: no groups (Active Directory reads memberOf).",
    ),
    // MFA policies.
    ("admin.mfa_policies.title", "MFA policies"),
    ("admin.mfa_policies.new", "New MFA rule"),
    (
        "admin.mfa_policies.lead",
        "Decide who must use a second factor: everyone, people signing in a certain way, members of an organization, or users of an application.",
    ),
    ("admin.mfa_policies.rules", "Rules"),
    (
        "admin.mfa_policies.none_yet",
        "No rule yet: a second factor is up to each person.",
    ),
    ("admin.mfa_policies.applies_to", "Applies to"),
    ("admin.mfa_policies.requirement", "Second factor"),
    ("admin.mfa_policies.updated", "Changed"),
    ("admin.mfa_policies.actions", "Actions"),
    ("admin.mfa_policies.required", "Required"),
    ("admin.mfa_policies.optional", "Optional"),
    ("admin.mfa_policies.make_optional", "Make optional"),
    ("admin.mfa_policies.make_required", "Make required"),
    (
        "admin.mfa_policies.delete_confirm",
        "Delete this rule? It stops applying at the next sign-in.",
    ),
    (
        "admin.mfa_policies.how_rules_combine",
        "Any matching rule that requires MFA wins; optional rules are recorded but change nothing. Application rules apply when someone signs in to that application.",
    ),
    (
        "admin.mfa_policies.upstream_title",
        "Second factors of SSO providers",
    ),
    (
        "admin.mfa_policies.none_accepted",
        "No provider type's second factor is accepted yet.",
    ),
    ("admin.mfa_policies.accepted_at", "accepted {}"),
    ("admin.mfa_policies.upstream_type", "Type of provider"),
    ("admin.mfa_policies.accept", "Accept its MFA"),
    ("admin.mfa_policies.step_scope", "What it applies to"),
    ("admin.mfa_policies.step_rule", "The rule"),
    ("admin.mfa_policies.subject", "Which one"),
    (
        "admin.mfa_policies.nothing_to_choose",
        "There is nothing of this kind yet.",
    ),
    (
        "admin.mfa_policies.required_text",
        "People add and use a second factor to get in.",
    ),
    (
        "admin.mfa_policies.optional_text",
        "Recorded, but changes nothing: people choose.",
    ),
    ("admin.mfa_policies.save", "Save rule"),
    (
        "admin.mfa_policies.pick_scope",
        "Choose what the rule applies to.",
    ),
    (
        "admin.mfa_policies.global_only",
        "Only a superuser can change rules other than an organization's.",
    ),
    (
        "admin.mfa_policies.unknown_subject",
        "Choose one from the list: the one given does not exist.",
    ),
    ("admin.mfa_policies.scope.global", "Everyone"),
    (
        "admin.mfa_policies.scope.global_text",
        "Every person, however they sign in.",
    ),
    ("admin.mfa_policies.scope.login_method", "A sign-in method"),
    (
        "admin.mfa_policies.scope.login_method_text",
        "People who sign in with a password, an emailed code or a passkey.",
    ),
    (
        "admin.mfa_policies.scope.upstream",
        "A type of SSO provider",
    ),
    (
        "admin.mfa_policies.scope.upstream_text",
        "People who sign in through Google, Microsoft, GitHub, …",
    ),
    ("admin.mfa_policies.scope.organization", "An organization"),
    (
        "admin.mfa_policies.scope.organization_text",
        "The members of one organization.",
    ),
    ("admin.mfa_policies.scope.client", "An application"),
    (
        "admin.mfa_policies.scope.client_text",
        "Everyone signing in to one application.",
    ),
    ("admin.mfa_policies.method.password", "Password"),
    ("admin.mfa_policies.method.email_code", "Code by email"),
    ("admin.mfa_policies.method.passkey", "Passkey"),
];

/// German (Sie-Form).
pub const DE: &[(&str, &str)] = &[
    // Flash messages.
    (
        "admin.notice.provider_created",
        "Der Anbieter ist gespeichert. Hinterlegen Sie die Callback-URL beim Anbieter und testen Sie dann die Verbindung.",
    ),
    (
        "admin.notice.provider_saved",
        "Die Einstellungen des Anbieters sind gespeichert.",
    ),
    (
        "admin.notice.provider_deleted",
        "Der Anbieter ist gelöscht: Niemand meldet sich mehr darüber an, seine E-Mail-Domains sind frei.",
    ),
    (
        "admin.notice.provider_restored",
        "Der Anbieter ist wiederhergestellt, mit seinen E-Mail-Domains.",
    ),
    (
        "admin.notice.provider_restored_domains_lost",
        "Der Anbieter ist wiederhergestellt. Einige seiner E-Mail-Domains hat inzwischen ein anderer Anbieter übernommen; sie bleiben dort.",
    ),
    (
        "admin.notice.mfa_accepted",
        "Anmeldungen über diese Art von Anbieter zählen jetzt dessen eigenen zweiten Faktor.",
    ),
    (
        "admin.notice.provider_created_mfa_accepted",
        "Der Anbieter ist gespeichert, und Anmeldungen über diese Art von Anbieter zählen jetzt dessen eigenen zweiten Faktor. Hinterlegen Sie die Callback-URL beim Anbieter und testen Sie dann die Verbindung.",
    ),
    (
        "admin.notice.mfa_policy_saved",
        "Die MFA-Regel ist gespeichert.",
    ),
    (
        "admin.notice.mfa_policy_deleted",
        "Die MFA-Regel ist gelöscht.",
    ),
    (
        "admin.error.provider_not_deleted",
        "Dieser Anbieter ist nicht gelöscht.",
    ),
    (
        "admin.error.mfa_global_only",
        "Nur ein Superuser kann die MFA eines Anbieters anerkennen.",
    ),
    (
        "admin.error.mfa_unknown_upstream",
        "Wählen Sie eine Art von Anbieter aus der Liste.",
    ),
    // The list.
    ("admin.providers.title", "SSO-Anbieter"),
    ("admin.providers.new", "Neuer SSO-Anbieter"),
    (
        "admin.providers.lead",
        "Lassen Sie Menschen sich mit einem Konto anmelden, das sie schon haben: Google, Microsoft, Okta, GitHub oder ein beliebiger OpenID-Connect-Anbieter.",
    ),
    ("admin.providers.search_hint", "Name oder ID"),
    (
        "admin.providers.none_yet",
        "Noch kein SSO-Anbieter. Fügen Sie einen hinzu, um seine Schaltfläche auf der Anmeldeseite anzubieten.",
    ),
    ("admin.providers.name", "Name"),
    ("admin.providers.kind", "Art"),
    ("admin.providers.organization", "Organisation"),
    ("admin.providers.domains", "E-Mail-Domains"),
    ("admin.providers.button_shows", "Schaltfläche: {}"),
    ("admin.providers.all_organizations", "Keine"),
    ("admin.providers.enabled", "An"),
    ("admin.providers.disabled", "Aus"),
    ("admin.providers.pages", "Seiten"),
    // The wizard.
    ("admin.providers.step_kind", "Art des Anbieters"),
    (
        "admin.providers.step_settings",
        "Verbindung und Einstellungen",
    ),
    ("admin.providers.coming_soon", "Demnächst"),
    ("admin.providers.continue", "Weiter"),
    (
        "admin.providers.coming_soon_error",
        "Diese Art von Anbieter ist noch nicht verfügbar. Wählen Sie eine andere.",
    ),
    (
        "admin.providers.pick_kind",
        "Wählen Sie eine Art von Anbieter.",
    ),
    ("admin.providers.kind.oidc", "OpenID Connect"),
    (
        "admin.providers.kind.oidc_text",
        "Jeder Anbieter, der OpenID Connect spricht: Keycloak, Authentik, Auth0, Zitadel, ein anderes Ostiary …",
    ),
    ("admin.providers.kind.google", "Google"),
    (
        "admin.providers.kind.google_text",
        "Google-Konten, oder nur die Ihres Google Workspace.",
    ),
    ("admin.providers.kind.entra", "Microsoft Entra ID"),
    (
        "admin.providers.kind.entra_text",
        "Geschäfts- oder Schulkonten von Microsoft (früher Azure AD), eines Mandanten oder beliebiger.",
    ),
    ("admin.providers.kind.okta", "Okta"),
    (
        "admin.providers.kind.okta_text",
        "Die Personen Ihrer Okta-Organisation.",
    ),
    ("admin.providers.kind.jumpcloud", "JumpCloud"),
    (
        "admin.providers.kind.jumpcloud_text",
        "Die Personen Ihres JumpCloud-Verzeichnisses.",
    ),
    ("admin.providers.kind.github", "GitHub"),
    (
        "admin.providers.kind.github_text",
        "GitHub-Konten, oder die eines GitHub Enterprise Server.",
    ),
    ("admin.providers.kind.saml", "SAML 2.0"),
    (
        "admin.providers.kind.saml_text",
        "Identitätsanbieter, die SAML sprechen (ADFS, Shibboleth, …).",
    ),
    ("admin.providers.kind.ldap", "LDAP / Active Directory"),
    (
        "admin.providers.kind.ldap_text",
        "Ein Verzeichnis, geprüft mit dem eingegebenen Passwort (Active Directory, OpenLDAP).",
    ),
    (
        "admin.providers.setup.oidc",
        "Registrieren Sie beim Anbieter eine vertrauliche Webanwendung (Authorization-Code-Flow) mit dieser Weiterleitungs-URI und übernehmen Sie Client-ID und Geheimnis unten.",
    ),
    (
        "admin.providers.setup.google",
        "Öffnen Sie in der Google Cloud Console „APIs & Dienste“ → „Anmeldedaten“ → „Anmeldedaten erstellen“ → „OAuth-Client-ID“ (Webanwendung) und tragen Sie diese URI unter „Autorisierte Weiterleitungs-URIs“ ein. Übernehmen Sie Client-ID und Geheimnis unten.",
    ),
    (
        "admin.providers.setup.entra",
        "Öffnen Sie im Microsoft Entra Admin Center „App-Registrierungen“ → „Neue Registrierung“ und tragen Sie diese URI als Umleitungs-URI der Plattform „Web“ ein. Erstellen Sie dann unter „Zertifikate & Geheimnisse“ ein Geheimnis und übernehmen Sie die Anwendungs-ID (Client) und den Wert des Geheimnisses unten.",
    ),
    (
        "admin.providers.setup.okta",
        "Öffnen Sie in der Okta Admin Console „Applications“ → „Create App Integration“ → „OIDC, Web Application“ und tragen Sie diese URI als Sign-in redirect URI ein. Übernehmen Sie Client-ID und Geheimnis unten.",
    ),
    (
        "admin.providers.setup.jumpcloud",
        "Öffnen Sie im JumpCloud Admin Portal „SSO Applications“ → „Add New Application“ → „Custom OIDC App“, tragen Sie diese URI als Redirect URI ein und wählen Sie den Authorization-Code-Grant mit Client Secret (Basic). Übernehmen Sie Client-ID und Geheimnis unten.",
    ),
    (
        "admin.providers.setup.ldap",
        "Personen der beanspruchten Domains geben ihr Verzeichnis-Passwort auf der Anmeldeseite ein; im Verzeichnis wird nichts registriert. Ändern Sie die Einstellungen des Verzeichnisses unten und testen Sie dann die Verbindung.",
    ),
    (
        "admin.providers.setup.github",
        "Öffnen Sie auf GitHub „Settings“ → „Developer settings“ → „OAuth Apps“ → „New OAuth App“ und tragen Sie diese URI als Authorization callback URL ein. Übernehmen Sie die Client-ID und ein neues Client-Geheimnis unten.",
    ),
    (
        "admin.providers.issuer_hint.oidc",
        "Der Aussteller (Issuer) des Anbieters, wie ihn seine /.well-known/openid-configuration nennt, z. B. https://id.example.com/realms/main.",
    ),
    (
        "admin.providers.issuer_hint.okta",
        "Ihre Okta-Adresse, z. B. https://example.okta.com, oder die eines Autorisierungsservers, z. B. https://example.okta.com/oauth2/default.",
    ),
    (
        "admin.providers.issuer_hint.jumpcloud",
        "Meist https://oauth.id.jumpcloud.com/ (mit dem Schrägstrich am Ende).",
    ),
    ("admin.providers.new_kind", "Neuer Anbieter: {}"),
    (
        "admin.providers.callback_title",
        "Beim Anbieter zu hinterlegende Callback-URL",
    ),
    (
        "admin.providers.callback_before_saving",
        "Diese Adresse enthält schon die ID des neuen Anbieters: Sie können sie jetzt, vor dem Speichern, beim Anbieter hinterlegen. Sie ändert sich später nicht.",
    ),
    ("admin.providers.create", "Anbieter speichern"),
    // The fields.
    ("admin.providers.section_connection", "Verbindung"),
    ("admin.providers.issuer", "Aussteller-URL (Issuer)"),
    ("admin.providers.tenant", "Mandant"),
    (
        "admin.providers.tenant_hint",
        "Ihre Verzeichnis-ID (Mandanten-ID) oder primäre Domain nur für die Konten Ihrer Organisation; „organizations“ für jedes Geschäfts- oder Schulkonto; „common“ zusätzlich für private Microsoft-Konten.",
    ),
    ("admin.providers.hosted_domain", "Google-Workspace-Domain"),
    ("admin.providers.optional", "(optional)"),
    (
        "admin.providers.hosted_domain_hint",
        "Nur Konten dieser Workspace-Domain kommen hinein. Leer: jedes Google-Konto.",
    ),
    ("admin.providers.client_id", "Client-ID"),
    (
        "admin.providers.client_id_hint",
        "Die ID der Anwendung beim Anbieter.",
    ),
    ("admin.providers.client_secret", "Client-Geheimnis"),
    (
        "admin.providers.client_secret_hint",
        "Wird verschlüsselt gespeichert und nie wieder angezeigt.",
    ),
    (
        "admin.providers.client_secret_keep",
        "Ein Geheimnis ist gespeichert (wird nie angezeigt). Lassen Sie das Feld leer, um es zu behalten, oder geben Sie ein neues ein, um es zu ersetzen.",
    ),
    (
        "admin.providers.client_secret_none",
        "Es ist kein Geheimnis gespeichert.",
    ),
    ("admin.providers.advanced", "Erweiterte Einstellungen"),
    ("admin.providers.scopes", "Scopes"),
    (
        "admin.providers.scopes_hint",
        "Durch Leerzeichen getrennt. Leer: openid email profile.",
    ),
    ("admin.providers.auth_method", "Client-Authentifizierung"),
    (
        "admin.providers.auth_basic",
        "Geheimnis im Authorization-Header (client_secret_basic)",
    ),
    (
        "admin.providers.auth_post",
        "Geheimnis im Anfragetext (client_secret_post)",
    ),
    (
        "admin.providers.auth_method_hint",
        "Wie Ostiary das Geheimnis am Token-Endpunkt des Anbieters vorlegt; die meisten Anbieter nehmen beides an.",
    ),
    ("admin.providers.authority_url", "Authority"),
    (
        "admin.providers.authority_url_hint",
        "Nur für nationale Clouds. Leer: https://login.microsoftonline.com.",
    ),
    (
        "admin.providers.enterprise_hint",
        "Nur für GitHub Enterprise Server: beide Adressen, oder keine für github.com.",
    ),
    ("admin.providers.web_url", "Adresse von GitHub Enterprise"),
    (
        "admin.providers.api_url",
        "API-Adresse von GitHub Enterprise",
    ),
    ("admin.providers.section_sign_in", "Anmeldung"),
    (
        "admin.providers.name_hint",
        "Für Administratoren sichtbar, und auf der Anmeldeschaltfläche, wenn keine Beschriftung gesetzt ist.",
    ),
    (
        "admin.providers.button_label",
        "Beschriftung der Schaltfläche",
    ),
    (
        "admin.providers.button_label_hint",
        "Der Text der Anmeldeschaltfläche, z. B. „Mit Acme SSO anmelden“.",
    ),
    ("admin.providers.no_organization", "Keine Organisation"),
    (
        "admin.providers.organization_hint",
        "Wer sich zum ersten Mal über diesen Anbieter anmeldet, tritt dieser Organisation bei.",
    ),
    (
        "admin.providers.domains_hint",
        "Eine pro Zeile. Wer auf der Anmeldeseite eine Adresse dieser Domains eingibt, geht direkt zu diesem Anbieter (Identifier-First).",
    ),
    (
        "admin.providers.trust_email",
        "Bestätigten E-Mail-Adressen des Anbieters vertrauen",
    ),
    (
        "admin.providers.trust_email_hint",
        "Eine Anmeldung mit bestätigter Adresse wird mit dem bestehenden Konto dieser Adresse verbunden. Nur für Anbieter, die ihre Adressen selbst verwalten (Ihr eigenes Verzeichnis), nie für öffentliche.",
    ),
    (
        "admin.providers.domains_superuser",
        "Nur ein Superuser kann E-Mail-Domains beanspruchen oder den Adressen eines Anbieters vertrauen.",
    ),
    (
        "admin.providers.jit",
        "Konten bei der ersten Anmeldung anlegen",
    ),
    (
        "admin.providers.jit_hint",
        "Aus: Nur wer hier schon ein Konto hat, kommt hinein.",
    ),
    (
        "admin.providers.allow_local_passwords",
        "Passwörter für diese Domains behalten",
    ),
    (
        "admin.providers.allow_local_passwords_hint",
        "Personen der beanspruchten Domains dürfen sich weiterhin mit einem Passwort anmelden.",
    ),
    (
        "admin.providers.keep_tokens",
        "Tokens des Anbieters aufbewahren",
    ),
    (
        "admin.providers.keep_tokens_hint",
        "Access- und Refresh-Tokens des Anbieters (verschlüsselt) beim Konto speichern, für Anwendungen, die die APIs des Anbieters aufrufen.",
    ),
    ("admin.providers.enabled_field", "Anmeldung an"),
    (
        "admin.providers.enabled_hint",
        "Aus: Die Schaltfläche ist verborgen und niemand meldet sich darüber an (die Verbindung lässt sich trotzdem testen).",
    ),
    ("admin.providers.section_mfa", "Mehrstufige Anmeldung (MFA)"),
    (
        "admin.providers.mfa_accepted",
        "Der zweite Faktor von Anbietern der Art {} ist anerkannt: Eine Anmeldung, bei der er einen meldet, zählt als mehrstufig.",
    ),
    (
        "admin.providers.mfa_not_accepted",
        "Der zweite Faktor von Anbietern der Art {} ist nicht anerkannt: Wo MFA verlangt ist, richten die Personen auch hier einen ein.",
    ),
    (
        "admin.providers.accept_mfa",
        "MFA von Anbietern der Art {} anerkennen",
    ),
    (
        "admin.providers.accept_mfa_hint",
        "Meldet eine Anmeldung über einen solchen Anbieter einen zweiten Faktor (amr mfa, otp oder hwk), zählt Ostiary ihn als MFA, statt einen eigenen zu verlangen. Das gilt für jeden Anbieter dieser Art und wird im Audit-Log festgehalten.",
    ),
    (
        "admin.providers.mfa_superuser",
        "Nur ein Superuser kann die MFA eines Anbieters anerkennen.",
    ),
    (
        "admin.providers.mfa_directory",
        "Eine Anmeldung am Verzeichnis ist eine Passwort-Anmeldung: Es gibt keine MFA des Anbieters anzuerkennen. Ostiary verlangt seinen eigenen zweiten Faktor, wo eine MFA-Regel ihn fordert (zum Beispiel eine Anbieter-Regel für ldap).",
    ),
    // A provider's page.
    (
        "admin.providers.deleted_note",
        "Dieser Anbieter ist gelöscht: Er zeigt keine Schaltfläche, leitet keine Domain weiter und meldet niemanden an.",
    ),
    ("admin.providers.test_title", "Verbindung testen"),
    ("admin.providers.test", "Verbindung testen"),
    (
        "admin.providers.test_ok",
        "Alle Prüfungen bestanden: Der Anbieter ist erreichbar und wie erwartet eingerichtet.",
    ),
    (
        "admin.providers.test_failed",
        "Eine Prüfung ist fehlgeschlagen: Unten steht, was zu beheben ist.",
    ),
    ("admin.providers.check_passed", "bestanden"),
    ("admin.providers.check_failed", "fehlgeschlagen"),
    (
        "admin.providers.test_hint",
        "Ruft den Anbieter jetzt so auf, wie es die Anmeldung tut, und meldet jeden Schritt.",
    ),
    ("admin.providers.settings", "Einstellungen"),
    ("admin.providers.restore_title", "Wiederherstellen"),
    ("admin.providers.delete_title", "Löschen"),
    (
        "admin.providers.restore_hint",
        "Holt den Anbieter zurück, mit den E-Mail-Domains, die inzwischen kein anderer Anbieter beansprucht hat.",
    ),
    (
        "admin.providers.delete_hint",
        "Niemand meldet sich mehr über diesen Anbieter an, seine E-Mail-Domains werden frei. Die Konten bleiben; ein Superuser kann ihn wiederherstellen.",
    ),
    ("admin.providers.delete", "Anbieter löschen …"),
    (
        "admin.providers.delete_confirm",
        "{} löschen? Die Schaltfläche verschwindet sofort von der Anmeldeseite.",
    ),
    ("admin.providers.check.discovery", "Discovery-Dokument"),
    ("admin.providers.check.issuer", "Aussteller (Issuer)"),
    (
        "admin.providers.check.endpoints",
        "Autorisierungs- und Token-Endpunkt",
    ),
    ("admin.providers.check.keys", "Signaturschlüssel"),
    ("admin.providers.check.api", "GitHub-API"),
    ("admin.providers.check.web", "GitHub-Anmeldeseite"),
    ("admin.providers.check.kind", "Art des Anbieters"),
    (
        "admin.providers.check.connect",
        "Verbindung zum Verzeichnis",
    ),
    ("admin.providers.check.tls", "TLS"),
    ("admin.providers.check.service_bind", "Dienstkonto"),
    ("admin.providers.check.search_base", "Such-Basen"),
    (
        "admin.notice.provider_created_saml",
        "Der Anbieter ist gespeichert. Registrieren Sie seine Entity-ID und ACS-URL (oder seine Metadaten-URL) beim IdP und testen Sie dann die Verbindung.",
    ),
    (
        "admin.providers.setup.saml",
        "Registrieren Sie Ostiary bei Ihrem Identitätsanbieter als SAML-Service-Provider mit diesen Adressen (oder geben Sie ihm unsere Metadaten-URL).",
    ),
    (
        "admin.providers.saml.sp_title",
        "Was beim Identitätsanbieter zu registrieren ist",
    ),
    ("admin.providers.saml.entity_id", "Entity-ID (Audience)"),
    (
        "admin.providers.saml.acs_url",
        "Assertion-Consumer-Service-URL (HTTP-POST)",
    ),
    (
        "admin.providers.saml.sp_metadata_url",
        "SAML-Metadaten von Ostiary",
    ),
    (
        "admin.providers.saml.sp_metadata_link",
        "SAML-Metadaten von Ostiary öffnen",
    ),
    (
        "admin.providers.saml.sp_before_saving",
        "Diese Adressen gehören schon zu diesem Anbieter: Registrieren Sie sie jetzt; die Metadaten antworten, sobald der Anbieter gespeichert ist.",
    ),
    ("admin.providers.saml.metadata_url", "Metadaten-URL des IdP"),
    (
        "admin.providers.saml.metadata_url_hint",
        "Wo der Identitätsanbieter seine SAML-Metadaten veröffentlicht (https). Ostiary ruft sie jetzt und täglich ab.",
    ),
    (
        "admin.providers.saml.metadata_url_replace",
        "Eine neue Adresse ersetzt die gespeicherten Metadaten (vorher geprüft; der Schlüssel von Ostiary bleibt). Unverändert lassen, um sie zu behalten.",
    ),
    (
        "admin.providers.saml.preset",
        "Produkt des Identitätsanbieters",
    ),
    (
        "admin.providers.saml.preset_none",
        "Anderes (übliche Attributnamen)",
    ),
    (
        "admin.providers.saml.preset_hint",
        "Wo es E-Mail, Name und Gruppen standardmäßig ablegt. Die Felder unten haben Vorrang.",
    ),
    ("admin.providers.saml.attributes", "Attributnamen"),
    (
        "admin.providers.saml.attributes_hint",
        "Leer lassen, um die Namen des Produkts oder die angezeigten üblichen Namen zu verwenden.",
    ),
    ("admin.providers.saml.attribute_email", "E-Mail-Attribut"),
    (
        "admin.providers.saml.attribute_name",
        "Attribut für den Anzeigenamen",
    ),
    ("admin.providers.saml.attribute_groups", "Gruppen-Attribut"),
    (
        "admin.providers.saml.allow_idp_initiated",
        "Beim Identitätsanbieter begonnene Anmeldungen annehmen",
    ),
    (
        "admin.providers.saml.allow_idp_initiated_hint",
        "Standardmäßig aus: Eine unaufgeforderte Antwort gehört zu keiner Anmeldung dieses Browsers, eine gestohlene oder untergeschobene könnte also jemanden anmelden. Nur für ein IdP-Portal einschalten, von dem aus Personen starten; alle anderen Prüfungen (Signatur, Zielgruppe, Zeit, Wiederholung) gelten weiter.",
    ),
    (
        "admin.providers.invalid.metadata_url",
        "Ostiary konnte diese Metadaten nicht verwenden: Sie müssen über https erreichbar sein (nicht unter einer privaten Adresse) und eine Entity-ID, einen HTTP-Redirect-Anmeldeendpunkt und ein Signaturzertifikat nennen.",
    ),
    (
        "admin.providers.invalid.saml_preset",
        "Wählen Sie eines der aufgeführten Produkte.",
    ),
    (
        "admin.providers.invalid.attribute",
        "Geben Sie einen Attributnamen mit höchstens 255 Zeichen ein oder lassen Sie das Feld leer.",
    ),
    (
        "admin.providers.saml.metadata_xml",
        "Oder das Metadaten-Dokument des IdP",
    ),
    (
        "admin.providers.saml.metadata_xml_hint",
        "Fügen Sie das XML ein oder wählen Sie die Datei (höchstens 1 MiB). Ohne URL werden die Metadaten nicht aktualisiert: Ersetzen Sie sie hier, wenn der IdP sie ändert.",
    ),
    (
        "admin.providers.saml.metadata_file",
        "Metadaten-Datei des IdP",
    ),
    (
        "admin.providers.saml.metadata_file_loaded",
        "Die Datei ist in das Feld oben geladen.",
    ),
    (
        "admin.providers.saml.metadata_file_too_large",
        "Diese Datei ist größer als 1 MiB: Solche Metadaten liest Ostiary nicht.",
    ),
    (
        "admin.providers.invalid.metadata_xml",
        "Ostiary konnte dieses Dokument nicht verwenden: Geben Sie entweder eine URL oder ein Dokument an; die Metadaten müssen eine Entity-ID, einen HTTP-Redirect-Anmeldeendpunkt und ein Signaturzertifikat nennen, ohne DTD.",
    ),
    (
        "admin.notice.saml_metadata_updated",
        "Die Metadaten des IdP haben sich geändert und sind aktualisiert (die Änderung steht im Audit-Log).",
    ),
    (
        "admin.notice.saml_metadata_unchanged",
        "Die Metadaten des IdP sind unverändert.",
    ),
    (
        "admin.error.saml_metadata_kept",
        "Die jetzt abgerufenen Metadaten des IdP wurden abgelehnt: Die gespeicherten bleiben. Der Grund steht im Audit-Log.",
    ),
    (
        "admin.error.saml_metadata_no_url",
        "Dieser Anbieter hat keine Metadaten-URL zum Abrufen.",
    ),
    (
        "admin.providers.saml.refresh",
        "IdP-Metadaten aktualisieren",
    ),
    (
        "admin.providers.saml.refresh_hint",
        "Ostiary ruft sie täglich ab; aktualisieren Sie sie jetzt nach einem Zertifikatswechsel beim IdP.",
    ),
    ("admin.providers.check.metadata", "IdP-Metadaten"),
    ("admin.providers.check.entity_id", "Entity-ID des IdP"),
    (
        "admin.providers.check.signing_certificate",
        "Signaturzertifikat",
    ),
    (
        "admin.providers.check.sso_endpoint",
        "Single-Sign-on-Endpunkt",
    ),
    (
        "admin.providers.reason.entity_id_mismatch",
        "Die Metadaten nennen eine andere Entity-ID ({}): Der IdP wurde ersetzt – importieren Sie seine Metadaten neu.",
    ),
    (
        "admin.providers.reason.no_certificate",
        "Die Metadaten enthalten kein Signaturzertifikat.",
    ),
    (
        "admin.providers.reason.certificate_unreadable",
        "Das Signaturzertifikat in den Metadaten ist nicht lesbar.",
    ),
    (
        "admin.providers.reason.certificate_expired",
        "Das Signaturzertifikat ist am {} abgelaufen: Importieren Sie die neuen Metadaten des IdP.",
    ),
    (
        "admin.providers.reason.certificate_expires_soon",
        "Das Signaturzertifikat läuft bald ab (verbleibende Tage: {}): Erneuern Sie es beim IdP.",
    ),
    (
        "admin.providers.reason.no_sso_endpoint",
        "Die Metadaten nennen keinen HTTP-Redirect-Single-Sign-on-Endpunkt.",
    ),
    (
        "admin.providers.reason.tls_failed",
        "TLS kam nicht zustande: Das Zertifikat ist nicht vertrauenswürdig oder nennt diesen Host nicht.",
    ),
    (
        "admin.providers.reason.bind_refused",
        "Das Verzeichnis hat DN oder Passwort des Dienstkontos abgelehnt.",
    ),
    (
        "admin.providers.reason.base_not_found",
        "Eine Basis-DN nennt keinen Eintrag, den das Dienstkonto lesen kann.",
    ),
    (
        "admin.providers.reason.unreachable",
        "Keine Antwort: Prüfen Sie die Adresse und ob der Server von Ostiary sie erreicht.",
    ),
    (
        "admin.providers.reason.refused_address",
        "Abgelehnt: Die Adresse ist privat oder nicht https; solche ruft Ostiary nicht auf.",
    ),
    (
        "admin.providers.reason.http_status",
        "Der Anbieter antwortete mit HTTP-Status {}.",
    ),
    (
        "admin.providers.reason.too_large",
        "Die Antwort ist zu groß.",
    ),
    (
        "admin.providers.reason.not_a_document",
        "Die Antwort entspricht nicht dem Standard: Prüfen Sie die Adresse.",
    ),
    (
        "admin.providers.reason.issuer_mismatch",
        "Der Anbieter nennt sich {}: Tragen Sie genau das als Aussteller-URL ein.",
    ),
    (
        "admin.providers.reason.no_token_endpoint",
        "Der Anbieter nennt keinen Token-Endpunkt.",
    ),
    (
        "admin.providers.reason.endpoint_refused",
        "Ein Endpunkt ist privat oder nicht https; solche ruft Ostiary nicht auf.",
    ),
    (
        "admin.providers.reason.no_keys",
        "Der Anbieter veröffentlicht keinen Signaturschlüssel.",
    ),
    (
        "admin.providers.reason.not_an_api",
        "Diese Adresse antwortet nicht wie die API von GitHub.",
    ),
    (
        "admin.providers.reason.not_configured",
        "Eine Einstellung fehlt.",
    ),
    (
        "admin.providers.reason.unsupported",
        "Diese Art von Anbieter lässt sich noch nicht testen.",
    ),
    (
        "admin.providers.reason.earlier_step_failed",
        "Nicht geprüft: Ein früherer Schritt ist fehlgeschlagen.",
    ),
    // Refusals next to their fields.
    (
        "admin.providers.invalid.name",
        "Geben Sie einen Namen mit 1 bis 100 Zeichen ein.",
    ),
    (
        "admin.providers.invalid.button_label",
        "Eine Beschriftung hat 1 bis 100 Zeichen.",
    ),
    (
        "admin.providers.invalid.organization_id",
        "Wählen Sie eine Ihrer Organisationen.",
    ),
    (
        "admin.providers.invalid.domains",
        "Geben Sie Domainnamen wie example.com ein, einen pro Zeile.",
    ),
    (
        "admin.providers.invalid.trust_email",
        "Vertrauenswürdige E-Mail-Adressen lassen sich hier nicht einstellen.",
    ),
    (
        "admin.providers.invalid.issuer",
        "Geben Sie die https-Adresse des Anbieters ein, ohne Query oder Fragment (private Adressen werden abgelehnt).",
    ),
    (
        "admin.providers.invalid.client_id",
        "Geben Sie die Client-ID ein (höchstens 255 Zeichen).",
    ),
    (
        "admin.providers.invalid.client_secret",
        "Geben Sie das Client-Geheimnis ein (höchstens 4096 Bytes).",
    ),
    (
        "admin.providers.invalid.scopes",
        "Scopes sind Wörter ohne Anführungszeichen oder Backslashes, durch Leerzeichen getrennt.",
    ),
    (
        "admin.providers.invalid.hosted_domain",
        "Geben Sie einen Domainnamen wie example.com ein, oder nichts.",
    ),
    (
        "admin.providers.invalid.tenant",
        "Geben Sie eine Mandanten-ID, eine Domain, „organizations“ oder „common“ ein.",
    ),
    (
        "admin.providers.invalid.authority_url",
        "Geben Sie eine https-Adresse ein, oder nichts für die von Microsoft.",
    ),
    (
        "admin.providers.invalid.api_url",
        "Geben Sie beide Adressen von GitHub Enterprise als https-Adressen ein, oder keine.",
    ),
    (
        "admin.providers.invalid.web_url",
        "Geben Sie beide Adressen von GitHub Enterprise als https-Adressen ein, oder keine.",
    ),
    (
        "admin.providers.invalid.token_endpoint_auth_method",
        "Wählen Sie eine Client-Authentifizierung aus der Liste.",
    ),
    (
        "admin.providers.invalid.form",
        "Dieses Formular lässt sich nicht speichern: Beginnen Sie erneut in der Liste der Anbieter.",
    ),
    (
        "admin.providers.invalid.domain_taken",
        "Eine dieser Domains beansprucht bereits ein anderer Anbieter.",
    ),
    (
        "admin.providers.privileged.domains",
        "Nur ein Superuser kann E-Mail-Domains beanspruchen oder freigeben: Eine beanspruchte Domain schickt jede Anmeldung dieser Domain zu diesem Anbieter.",
    ),
    (
        "admin.providers.privileged.trust_email",
        "Nur ein Superuser kann den E-Mail-Adressen eines Anbieters vertrauen: Das verbindet Anmeldungen mit bestehenden Konten derselben Adresse.",
    ),
    (
        "admin.notice.provider_created_directory",
        "Das Verzeichnis ist gespeichert. Testen Sie die Verbindung, um Dienstkonto und Such-Basen zu prüfen.",
    ),
    ("admin.providers.superuser_only", "Nur für Superuser"),
    (
        "admin.providers.global_only_error",
        "Nur ein Superuser kann diese Art von Anbieter einrichten: Ein Verzeichnis wird im internen Netz erreicht.",
    ),
    (
        "admin.providers.privileged.kind",
        "Nur ein Superuser kann ein LDAP-Verzeichnis einrichten oder ändern: Es wird im internen Netz erreicht.",
    ),
    (
        "admin.providers.privileged.ca_file",
        "Nur ein Superuser kann eine CA-Datei angeben: Sie ist ein Pfad auf diesem Server.",
    ),
    (
        "admin.providers.invalid.keep_tokens",
        "Ein Verzeichnis stellt keine Tokens aus, die man aufbewahren könnte.",
    ),
    (
        "admin.providers.invalid.url",
        "Geben Sie ldaps://host:port ein, oder ldap://host:port mit StartTLS, ohne Pfad und Zugangsdaten (private Adressen brauchen allow_private_targets).",
    ),
    (
        "admin.providers.invalid.starttls",
        "StartTLS gilt nur für ldap://-Adressen: Eine ldaps://-Adresse ist schon verschlüsselt.",
    ),
    (
        "admin.providers.invalid.allow_plaintext",
        "Klartext ist nur erlaubt, wenn unten angekreuzt, für die Entwicklung.",
    ),
    (
        "admin.providers.invalid.bind_dn",
        "Geben Sie den DN des Dienstkontos ein (etwa cn=ostiary,ou=services,dc=example,dc=com) oder eine DN-Vorlage für die direkte Anmeldung.",
    ),
    (
        "admin.providers.invalid.bind_password",
        "Geben Sie das Passwort des Dienstkontos ein (höchstens 4096 Bytes).",
    ),
    (
        "admin.providers.invalid.user_base_dn",
        "Geben Sie den DN ein, unter dem Personen gesucht werden, etwa ou=people,dc=example,dc=com.",
    ),
    (
        "admin.providers.invalid.user_filter",
        "Geben Sie einen LDAP-Filter in Klammern mit {username} ein, etwa (uid={username}).",
    ),
    (
        "admin.providers.invalid.user_dn_template",
        "Geben Sie einen DN mit {username} ein, etwa uid={username},ou=people,dc=example,dc=com.",
    ),
    (
        "admin.providers.invalid.group_base_dn",
        "Geben Sie einen DN wie ou=groups,dc=example,dc=com ein, oder nichts.",
    ),
    (
        "admin.providers.invalid.active_directory",
        "Diese Einstellung kann nicht gespeichert werden.",
    ),
    (
        "admin.providers.invalid.ca_file",
        "Geben Sie den Pfad einer lesbaren PEM-Datei mit CA-Zertifikaten auf diesem Server ein (braucht ldaps:// oder StartTLS).",
    ),
    (
        "admin.providers.ldap.needs_title",
        "Im Verzeichnis ist nichts zu registrieren",
    ),
    (
        "admin.providers.ldap.needs_text",
        "Personen der beanspruchten Domains geben ihr Verzeichnis-Passwort auf der Anmeldeseite ein, und Ostiary prüft es beim Verzeichnis. Das Verzeichnis braucht:",
    ),
    (
        "admin.providers.ldap.needs_network",
        "einen Netzwerkweg von diesem Server zu seinem LDAP-Port (636 für ldaps://, 389 für StartTLS);",
    ),
    (
        "admin.providers.ldap.needs_account",
        "ein Dienstkonto, das die Personen (und ihre Gruppen) unter den Basis-DNs suchen darf – oder für die direkte Anmeldung eine DN-Vorlage, die jede Person benennt;",
    ),
    (
        "admin.providers.ldap.needs_tls",
        "ein Zertifikat, dem dieser Server vertraut (bei einer eigenen CA geben Sie eine CA-Datei an).",
    ),
    ("admin.providers.ldap.url", "Adresse des Verzeichnisses"),
    (
        "admin.providers.ldap.url_hint",
        "ldaps://host:636, oder ldap://host:389 mit StartTLS.",
    ),
    ("admin.providers.ldap.starttls", "StartTLS verwenden"),
    (
        "admin.providers.ldap.starttls_hint",
        "Verschlüsselt eine ldap://-Verbindung, bevor etwas gesendet wird (nicht für ldaps://).",
    ),
    (
        "admin.providers.ldap.allow_plaintext",
        "Klartext erlauben (nur Entwicklung)",
    ),
    ("admin.providers.ldap.warning", "Achtung:"),
    (
        "admin.providers.ldap.allow_plaintext_hint",
        "Ohne ldaps:// oder StartTLS gehen die Passwörter der Personen unverschlüsselt durchs Netz. Nie im Betrieb.",
    ),
    ("admin.providers.ldap.ca_file", "CA-Datei"),
    (
        "admin.providers.ldap.ca_file_hint",
        "Eine PEM-Datei auf diesem Server mit der CA, die das Zertifikat des Verzeichnisses signiert hat; leer: die CAs des Systems.",
    ),
    ("admin.providers.ldap.active_directory", "Active Directory"),
    (
        "admin.providers.ldap.active_directory_hint",
        "Liest die Attribute von Active Directory (objectGUID, sAMAccountName, memberOf) und weist deaktivierte Konten ab; der Standardfilter wird der von Active Directory.",
    ),
    ("admin.providers.ldap.search_title", "Suchen, dann anmelden"),
    (
        "admin.providers.ldap.search_text",
        "Das Dienstkonto findet die Person mit dem Filter, dann wird das Passwort der Person selbst geprüft.",
    ),
    ("admin.providers.ldap.bind_dn", "DN des Dienstkontos"),
    (
        "admin.providers.ldap.bind_dn_hint",
        "Lesezugriff auf Personen und Gruppen genügt.",
    ),
    (
        "admin.providers.ldap.bind_password",
        "Passwort des Dienstkontos",
    ),
    (
        "admin.providers.ldap.bind_password_hint",
        "Wird verschlüsselt gespeichert und nie wieder angezeigt.",
    ),
    (
        "admin.providers.ldap.bind_password_keep",
        "Ein Passwort ist gespeichert (wird nie angezeigt). Leer lassen, um es zu behalten.",
    ),
    (
        "admin.providers.ldap.bind_password_none",
        "Kein Passwort gespeichert.",
    ),
    ("admin.providers.ldap.user_base_dn", "Basis-DN der Personen"),
    (
        "admin.providers.ldap.user_base_dn_hint",
        "Wo Personen gesucht werden, samt allem darunter.",
    ),
    ("admin.providers.ldap.user_filter", "Benutzerfilter"),
    (
        "admin.providers.ldap.user_filter_hint",
        "{username} steht für die Eingabe der Person (maskiert). Ein Filter, der auf einem Standard steht, folgt dem Schalter Active Directory:",
    ),
    ("admin.providers.ldap.direct_title", "Oder direkt anmelden"),
    (
        "admin.providers.ldap.user_dn_template",
        "DN-Vorlage der Personen",
    ),
    (
        "admin.providers.ldap.user_dn_template_hint",
        "Statt eines Dienstkontos: der DN der Person mit {username}, angemeldet mit ihrem Passwort. Lassen Sie das Dienstkonto dann leer.",
    ),
    ("admin.providers.ldap.groups_title", "Gruppen"),
    ("admin.providers.ldap.group_base_dn", "Basis-DN der Gruppen"),
    (
        "admin.providers.ldap.group_base_dn_hint",
        "Wo die Gruppen der Person gesucht werden; leer: keine Gruppen (Active Directory liest memberOf).",
    ),
    // MFA policies.
    ("admin.mfa_policies.title", "MFA-Richtlinien"),
    ("admin.mfa_policies.new", "Neue MFA-Regel"),
    (
        "admin.mfa_policies.lead",
        "Legen Sie fest, wer einen zweiten Faktor braucht: alle, wer sich auf eine bestimmte Art anmeldet, die Mitglieder einer Organisation oder die Nutzer einer Anwendung.",
    ),
    ("admin.mfa_policies.rules", "Regeln"),
    (
        "admin.mfa_policies.none_yet",
        "Noch keine Regel: Ein zweiter Faktor bleibt jeder Person überlassen.",
    ),
    ("admin.mfa_policies.applies_to", "Gilt für"),
    ("admin.mfa_policies.requirement", "Zweiter Faktor"),
    ("admin.mfa_policies.updated", "Geändert"),
    ("admin.mfa_policies.actions", "Aktionen"),
    ("admin.mfa_policies.required", "Erforderlich"),
    ("admin.mfa_policies.optional", "Optional"),
    ("admin.mfa_policies.make_optional", "Optional machen"),
    ("admin.mfa_policies.make_required", "Erforderlich machen"),
    (
        "admin.mfa_policies.delete_confirm",
        "Diese Regel löschen? Sie gilt ab der nächsten Anmeldung nicht mehr.",
    ),
    (
        "admin.mfa_policies.how_rules_combine",
        "Jede zutreffende Regel, die MFA verlangt, setzt sich durch; optionale Regeln werden festgehalten, ändern aber nichts. Regeln für Anwendungen gelten bei der Anmeldung an dieser Anwendung.",
    ),
    (
        "admin.mfa_policies.upstream_title",
        "Zweite Faktoren von SSO-Anbietern",
    ),
    (
        "admin.mfa_policies.none_accepted",
        "Noch ist der zweite Faktor keiner Art von Anbieter anerkannt.",
    ),
    ("admin.mfa_policies.accepted_at", "anerkannt am {}"),
    ("admin.mfa_policies.upstream_type", "Art des Anbieters"),
    ("admin.mfa_policies.accept", "Ihre MFA anerkennen"),
    ("admin.mfa_policies.step_scope", "Wofür sie gilt"),
    ("admin.mfa_policies.step_rule", "Die Regel"),
    ("admin.mfa_policies.subject", "Welche"),
    (
        "admin.mfa_policies.nothing_to_choose",
        "Davon gibt es noch nichts.",
    ),
    (
        "admin.mfa_policies.required_text",
        "Personen richten einen zweiten Faktor ein und nutzen ihn, um hineinzukommen.",
    ),
    (
        "admin.mfa_policies.optional_text",
        "Wird festgehalten, ändert aber nichts: Die Personen entscheiden.",
    ),
    ("admin.mfa_policies.save", "Regel speichern"),
    (
        "admin.mfa_policies.pick_scope",
        "Wählen Sie, wofür die Regel gilt.",
    ),
    (
        "admin.mfa_policies.global_only",
        "Nur ein Superuser kann andere Regeln als die einer Organisation ändern.",
    ),
    (
        "admin.mfa_policies.unknown_subject",
        "Wählen Sie einen Eintrag aus der Liste: Der angegebene existiert nicht.",
    ),
    ("admin.mfa_policies.scope.global", "Alle"),
    (
        "admin.mfa_policies.scope.global_text",
        "Jede Person, wie auch immer sie sich anmeldet.",
    ),
    ("admin.mfa_policies.scope.login_method", "Eine Anmeldeart"),
    (
        "admin.mfa_policies.scope.login_method_text",
        "Wer sich mit Passwort, einem Code per E-Mail oder einem Passkey anmeldet.",
    ),
    (
        "admin.mfa_policies.scope.upstream",
        "Eine Art von SSO-Anbieter",
    ),
    (
        "admin.mfa_policies.scope.upstream_text",
        "Wer sich über Google, Microsoft, GitHub … anmeldet.",
    ),
    ("admin.mfa_policies.scope.organization", "Eine Organisation"),
    (
        "admin.mfa_policies.scope.organization_text",
        "Die Mitglieder einer Organisation.",
    ),
    ("admin.mfa_policies.scope.client", "Eine Anwendung"),
    (
        "admin.mfa_policies.scope.client_text",
        "Alle, die sich an einer Anwendung anmelden.",
    ),
    ("admin.mfa_policies.method.password", "Passwort"),
    ("admin.mfa_policies.method.email_code", "Code per E-Mail"),
    ("admin.mfa_policies.method.passkey", "Passkey"),
];

#[cfg(test)]
mod tests {
    use crate::federation::probe::{Reason, Step};
    use crate::i18n::{Locale, Tr};

    #[test]
    fn every_step_and_reason_of_a_test_has_its_words() {
        for lang in [Locale::En, Locale::De] {
            let t = Tr::new(lang);
            for step in Step::ALL {
                let key = format!("admin.providers.check.{}", step.as_str());
                assert!(t.try_text(&key).is_some(), "{key}");
            }
            for reason in Reason::ALL {
                let key = format!("admin.providers.reason.{}", reason.as_str());
                assert!(t.try_text(&key).is_some(), "{key}");
            }
        }
    }
}
