//! Diesel table definitions, written in types portable across SQLite and
//! PostgreSQL (ids are UUID text, times are UTC `TIMESTAMP`).

diesel::table! {
    organizations (id) {
        id -> Text,
        name -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    users (id) {
        id -> Text,
        email -> Text,
        display_name -> Text,
        password_hash -> Nullable<Text>,
        email_verified -> Bool,
        locked -> Bool,
        superuser -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        deleted_at -> Nullable<Timestamp>,
        deleted_by -> Nullable<Text>,
        phone_number -> Nullable<Text>,
        phone_number_verified -> Bool,
        address -> Nullable<Text>,
    }
}

diesel::table! {
    memberships (user_id, organization_id) {
        user_id -> Text,
        organization_id -> Text,
        role -> Text,
        created_at -> Timestamp,
        granted_by -> Nullable<Text>,
    }
}

diesel::table! {
    auth_sessions (id) {
        id -> Text,
        token_hash -> Text,
        user_id -> Text,
        created_at -> Timestamp,
        last_seen_at -> Timestamp,
        expires_at -> Timestamp,
        auth_time -> Timestamp,
        amr -> Text,
        ip -> Text,
        user_agent -> Text,
        device_label -> Text,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    login_throttles (key) {
        key -> Text,
        failures -> Integer,
        window_started_at -> Timestamp,
        next_attempt_at -> Timestamp,
        locked_until -> Nullable<Timestamp>,
    }
}

diesel::table! {
    security_audit_logs (seq) {
        seq -> BigInt,
        id -> Text,
        created_at -> Timestamp,
        request_id -> Nullable<Text>,
        actor_type -> Text,
        actor_id -> Nullable<Text>,
        session_id -> Nullable<Text>,
        organization_id -> Nullable<Text>,
        action -> Text,
        target_type -> Nullable<Text>,
        target_id -> Nullable<Text>,
        outcome -> Text,
        ip -> Nullable<Text>,
        user_agent -> Nullable<Text>,
        details -> Text,
    }
}

diesel::table! {
    audit_chain_head (id) {
        id -> Integer,
        seq -> BigInt,
        hash -> Text,
    }
}

diesel::table! {
    data_keys (id) {
        id -> Text,
        purpose -> Text,
        wrapped_key -> Text,
        master_key_id -> Text,
        active -> Bool,
        created_at -> Timestamp,
        state -> Text,
        activated_at -> Nullable<Timestamp>,
        retired_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    setup_state (id) {
        id -> Integer,
        completed_at -> Timestamp,
        admin_user_id -> Text,
    }
}

diesel::table! {
    clients (id) {
        id -> Text,
        name -> Text,
        secret_hash -> Nullable<Text>,
        public -> Bool,
        token_endpoint_auth_method -> Text,
        redirect_uris -> Text,
        post_logout_redirect_uris -> Text,
        grant_types -> Text,
        scopes -> Text,
        backchannel_logout_uri -> Nullable<Text>,
        jwks -> Nullable<Text>,
        id_token_signed_response_alg -> Text,
        access_token_signed_response_alg -> Text,
        consent -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        logo_uri -> Nullable<Text>,
        policy_uri -> Nullable<Text>,
        tos_uri -> Nullable<Text>,
        audiences -> Text,
        allowed_origins -> Text,
        organization_id -> Nullable<Text>,
        deleted_at -> Nullable<Timestamp>,
        deleted_by -> Nullable<Text>,
        require_pkce -> Bool,
        require_par -> Bool,
        dpop_bound_access_tokens -> Bool,
        jwks_uri -> Nullable<Text>,
        request_object_signing_alg -> Nullable<Text>,
        require_signed_request_object -> Bool,
        dynamically_registered -> Bool,
        subject_type -> Text,
        sector_identifier_uri -> Nullable<Text>,
    }
}

diesel::table! {
    registration_tokens (id) {
        id -> Text,
        token_hash -> Text,
        organization_id -> Nullable<Text>,
        expires_at -> Nullable<Timestamp>,
        max_uses -> Nullable<Integer>,
        use_count -> Integer,
        created_by -> Text,
        created_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    client_registrations (client_id) {
        client_id -> Text,
        access_token_hash -> Text,
        registration_token_id -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    pushed_requests (uri_hash) {
        uri_hash -> Text,
        client_id -> Text,
        params -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        first_used_at -> Nullable<Timestamp>,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    signing_keys (id) {
        id -> Text,
        alg -> Text,
        private_key -> Text,
        public_jwk -> Text,
        state -> Text,
        created_at -> Timestamp,
        activated_at -> Nullable<Timestamp>,
        retired_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    grants (id) {
        id -> Text,
        client_id -> Text,
        user_id -> Nullable<Text>,
        session_id -> Nullable<Text>,
        scope -> Text,
        auth_time -> Nullable<Timestamp>,
        amr -> Text,
        acr -> Nullable<Text>,
        nonce -> Nullable<Text>,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
        resources -> Nullable<Text>,
        dpop_jkt -> Nullable<Text>,
    }
}

diesel::table! {
    authorization_codes (code_hash) {
        code_hash -> Text,
        client_id -> Text,
        user_id -> Text,
        session_id -> Text,
        redirect_uri -> Text,
        scope -> Text,
        nonce -> Nullable<Text>,
        code_challenge -> Nullable<Text>,
        auth_time -> Timestamp,
        amr -> Text,
        acr -> Nullable<Text>,
        claims -> Nullable<Text>,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
        grant_id -> Nullable<Text>,
        resources -> Nullable<Text>,
        dpop_jkt -> Nullable<Text>,
    }
}

diesel::table! {
    refresh_tokens (token_hash) {
        token_hash -> Text,
        grant_id -> Text,
        client_id -> Text,
        scope -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    consents (user_id, client_id) {
        user_id -> Text,
        client_id -> Text,
        scopes -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    device_codes (device_code_hash) {
        device_code_hash -> Text,
        user_code -> Text,
        client_id -> Text,
        scope -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        poll_interval_secs -> Integer,
        last_polled_at -> Nullable<Timestamp>,
        status -> Text,
        user_id -> Nullable<Text>,
        session_id -> Nullable<Text>,
        auth_time -> Nullable<Timestamp>,
        amr -> Nullable<Text>,
    }
}

diesel::table! {
    revoked_access_tokens (jti) {
        jti -> Text,
        expires_at -> Timestamp,
        revoked_at -> Timestamp,
    }
}

diesel::table! {
    saml_assertions (provider_id, assertion_id) {
        provider_id -> Text,
        assertion_id -> Text,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    saml_sessions (session_id) {
        session_id -> Text,
        provider_id -> Text,
        sealed -> Text,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    dpop_proofs (jti_hash, jkt) {
        jti_hash -> Text,
        jkt -> Text,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    client_assertion_jtis (client_id, jti) {
        client_id -> Text,
        jti -> Text,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    mfa_totp (user_id) {
        user_id -> Text,
        secret_enc -> Text,
        confirmed_at -> Nullable<Timestamp>,
        last_used_step -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    backup_codes (id) {
        id -> Text,
        user_id -> Text,
        batch_id -> Text,
        code_hash -> Text,
        created_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    passkeys (id) {
        id -> Text,
        user_id -> Text,
        credential_id -> Text,
        name -> Text,
        passkey -> Text,
        created_at -> Timestamp,
        last_used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    pending_logins (id) {
        id -> Text,
        token_hash -> Text,
        user_id -> Text,
        method -> Text,
        amr -> Text,
        purpose -> Text,
        replaces_session_id -> Nullable<Text>,
        failures -> Integer,
        created_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    webauthn_challenges (id) {
        id -> Text,
        binding_hash -> Text,
        user_id -> Nullable<Text>,
        purpose -> Text,
        state -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    mfa_policies (id) {
        id -> Text,
        scope -> Text,
        subject -> Text,
        requirement -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    mfa_upstream_acknowledgments (upstream) {
        upstream -> Text,
        acknowledged_by -> Text,
        acknowledged_at -> Timestamp,
    }
}

diesel::table! {
    mail_deliveries (id) {
        id -> Text,
        kind -> Text,
        recipient -> Text,
        status -> Text,
        reason -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    email_codes (id) {
        id -> Text,
        email -> Text,
        user_id -> Nullable<Text>,
        code_hash -> Text,
        binding_hash -> Text,
        ip -> Text,
        attempts -> Integer,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    email_tokens (id) {
        id -> Text,
        purpose -> Text,
        user_id -> Text,
        email -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    email_requests (id) {
        id -> Text,
        purpose -> Text,
        email -> Text,
        ip -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    invitations (id) {
        id -> Text,
        organization_id -> Text,
        email -> Text,
        role -> Text,
        token_hash -> Text,
        invited_by -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        accepted_at -> Nullable<Timestamp>,
        accepted_by -> Nullable<Text>,
    }
}

diesel::table! {
    providers (id) {
        id -> Text,
        kind -> Text,
        name -> Text,
        enabled -> Bool,
        organization_id -> Nullable<Text>,
        trust_email -> Bool,
        jit -> Bool,
        button_label -> Nullable<Text>,
        settings -> Text,
        secret -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        allow_local_passwords -> Bool,
        keep_tokens -> Bool,
        deleted_at -> Nullable<Timestamp>,
        deleted_by -> Nullable<Text>,
        released_domains -> Nullable<Text>,
    }
}

diesel::table! {
    provider_domains (domain) {
        domain -> Text,
        provider_id -> Text,
    }
}

diesel::table! {
    identities (provider_id, subject) {
        provider_id -> Text,
        subject -> Text,
        user_id -> Text,
        email -> Nullable<Text>,
        created_at -> Timestamp,
        last_login_at -> Nullable<Timestamp>,
        tokens -> Nullable<Text>,
        groups -> Text,
    }
}

diesel::table! {
    federation_logins (state_hash) {
        state_hash -> Text,
        provider_id -> Text,
        browser_hash -> Text,
        nonce -> Text,
        pkce_verifier -> Text,
        return_to -> Nullable<Text>,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        link_user_id -> Nullable<Text>,
        ip -> Nullable<Text>,
    }
}

diesel::table! {
    api_keys (id) {
        id -> Text,
        name -> Text,
        prefix -> Text,
        secret_hash -> Text,
        organization_id -> Nullable<Text>,
        scopes -> Text,
        vendor -> Bool,
        allowed_ips -> Text,
        rate_limit_per_min -> Nullable<Integer>,
        expires_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
        last_used_at -> Nullable<Timestamp>,
        last_used_ip -> Nullable<Text>,
        use_count -> BigInt,
        window_start -> Nullable<Timestamp>,
        window_count -> Integer,
    }
}

diesel::table! {
    organization_branding (organization_id) {
        organization_id -> Text,
        display_name -> Nullable<Text>,
        primary_color -> Nullable<Text>,
        accent_color -> Nullable<Text>,
        logo -> Nullable<Binary>,
        logo_type -> Nullable<Text>,
        updated_at -> Timestamp,
        updated_by -> Nullable<Text>,
    }
}

diesel::table! {
    webhooks (id) {
        id -> Text,
        organization_id -> Nullable<Text>,
        name -> Text,
        url -> Text,
        events -> Text,
        secret_sealed -> Text,
        secret_hint -> Text,
        enabled -> Bool,
        after_seq -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    webhook_deliveries (id) {
        id -> Text,
        subscription_id -> Text,
        audit_event_id -> Text,
        event_type -> Text,
        payload -> Text,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        locked_until -> Nullable<Timestamp>,
        last_status -> Nullable<Integer>,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        delivered_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    webhook_cursor (id) {
        id -> Integer,
        last_seq -> BigInt,
    }
}

diesel::table! {
    alert_rules (id) {
        id -> Text,
        kind -> Text,
        enabled -> Bool,
        threshold -> Integer,
        window_minutes -> Integer,
        recipients -> Text,
        notify_webhook -> Bool,
        updated_at -> Timestamp,
        updated_by -> Nullable<Text>,
    }
}

diesel::table! {
    alert_firings (id) {
        id -> Text,
        rule_id -> Text,
        subject -> Text,
        audit_event_id -> Text,
        event_at -> Timestamp,
        details -> Text,
        fired_at -> Timestamp,
    }
}

diesel::table! {
    alert_cursor (id) {
        id -> Integer,
        last_seq -> BigInt,
    }
}

diesel::table! {
    api_key_ips (key_id, ip) {
        key_id -> Text,
        ip -> Text,
        first_seen_at -> Timestamp,
    }
}

diesel::joinable!(memberships -> users (user_id));
diesel::joinable!(memberships -> organizations (organization_id));
diesel::joinable!(auth_sessions -> users (user_id));
diesel::joinable!(consents -> clients (client_id));
diesel::joinable!(refresh_tokens -> grants (grant_id));
diesel::joinable!(provider_domains -> providers (provider_id));
diesel::joinable!(identities -> providers (provider_id));
diesel::joinable!(federation_logins -> providers (provider_id));
diesel::joinable!(client_registrations -> clients (client_id));
diesel::joinable!(client_registrations -> registration_tokens (registration_token_id));
diesel::joinable!(registration_tokens -> organizations (organization_id));

diesel::table! {
    audit_seals (seq) {
        seq -> BigInt,
        kind -> Text,
        prev_hash -> Text,
        hash -> Text,
        sealed_at -> Timestamp,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    pushed_requests,
    api_keys,
    organization_branding,
    providers,
    provider_domains,
    identities,
    federation_logins,
    organizations,
    users,
    memberships,
    auth_sessions,
    login_throttles,
    security_audit_logs,
    audit_chain_head,
    audit_seals,
    data_keys,
    setup_state,
    clients,
    signing_keys,
    grants,
    authorization_codes,
    refresh_tokens,
    consents,
    device_codes,
    revoked_access_tokens,
    client_assertion_jtis,
    dpop_proofs,
    saml_assertions,
    saml_sessions,
    mfa_totp,
    backup_codes,
    passkeys,
    pending_logins,
    webauthn_challenges,
    mfa_policies,
    mfa_upstream_acknowledgments,
    mail_deliveries,
    email_codes,
    email_tokens,
    email_requests,
    invitations,
    webhooks,
    webhook_deliveries,
    webhook_cursor,
    alert_rules,
    alert_firings,
    alert_cursor,
    api_key_ips,
    registration_tokens,
    client_registrations,
);
