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
    }
}

diesel::table! {
    memberships (user_id, organization_id) {
        user_id -> Text,
        organization_id -> Text,
        role -> Text,
        created_at -> Timestamp,
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
        prev_hash -> Text,
        hash -> Text,
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
    }
}

diesel::table! {
    setup_state (id) {
        id -> Integer,
        completed_at -> Timestamp,
        admin_user_id -> Text,
    }
}

diesel::joinable!(memberships -> users (user_id));
diesel::joinable!(memberships -> organizations (organization_id));
diesel::joinable!(auth_sessions -> users (user_id));

diesel::allow_tables_to_appear_in_same_query!(
    organizations,
    users,
    memberships,
    auth_sessions,
    login_throttles,
    security_audit_logs,
    audit_chain_head,
    data_keys,
    setup_state,
);
