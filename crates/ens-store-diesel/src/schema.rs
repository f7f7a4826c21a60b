//! The tables, as both migrations create them. Written by hand (no diesel CLI needed); the
//! store test suite runs every query against both backends, so a drift fails a test.

diesel::table! {
    enterprises (id) {
        id -> Text,
        name -> Text,
        created_at -> BigInt,
    }
}

diesel::table! {
    principals (id) {
        id -> Text,
        enterprise_id -> Text,
        login -> Text,
        login_lower -> Text,
        password_hash -> Text,
        created_at -> BigInt,
        must_change_password -> Bool,
        failed_logins -> Integer,
        last_failed_login_at -> Nullable<BigInt>,
        last_login_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    scim_imports (enterprise_id) {
        enterprise_id -> Text,
        token_hash -> Nullable<Text>,
        token_created_at -> Nullable<BigInt>,
        token_last4 -> Nullable<Text>,
        notify -> Text,
        state -> Text,
        state_since -> BigInt,
        state_by -> Nullable<Text>,
        failure_incident -> Nullable<Text>,
        failure_kind -> Nullable<Text>,
        failure_detail -> Nullable<Text>,
        mapping -> Text,
        last_request_at -> Nullable<BigInt>,
        version -> BigInt,
        silence_notified_at -> Nullable<BigInt>,
        token_last_used_at -> Nullable<BigInt>,
        previous_token_hash -> Nullable<Text>,
        previous_token_created_at -> Nullable<BigInt>,
        previous_token_last4 -> Nullable<Text>,
        previous_token_until -> Nullable<BigInt>,
        previous_token_last_used_at -> Nullable<BigInt>,
        departure_floor -> Integer,
        departure_percent -> Integer,
        departure_window_minutes -> Integer,
        departures_allowed_until -> Nullable<BigInt>,
        hold_attempted -> Nullable<BigInt>,
        hold_threshold -> Nullable<BigInt>,
        hold_window_minutes -> Nullable<Integer>,
        hold_since -> Nullable<BigInt>,
        hold_person_id -> Nullable<Text>,
        hold_user_name -> Nullable<Text>,
        hold_display_name -> Nullable<Text>,
        hold_action -> Nullable<Text>,
        hold_at -> Nullable<BigInt>,
        mapping_since -> Text,
        purge_inactive_after_days -> Nullable<Integer>,
        notice_language -> Text,
    }
}

diesel::table! {
    departures (seq) {
        seq -> BigInt,
        enterprise_id -> Text,
        person_id -> Text,
        user_name -> Text,
        display_name -> Nullable<Text>,
        action -> Text,
        at -> BigInt,
    }
}

diesel::table! {
    persons (id) {
        id -> Text,
        enterprise_id -> Text,
        source -> Text,
        user_name -> Text,
        user_name_lower -> Text,
        external_id -> Nullable<Text>,
        active -> Bool,
        display_name -> Nullable<Text>,
        title -> Nullable<Text>,
        preferred_language -> Nullable<Text>,
        given_name -> Nullable<Text>,
        family_name -> Nullable<Text>,
        formatted_name -> Nullable<Text>,
        email_work -> Nullable<Text>,
        email_other -> Nullable<Text>,
        phone_work -> Nullable<Text>,
        phone_mobile -> Nullable<Text>,
        phone_fax -> Nullable<Text>,
        work_street_address -> Nullable<Text>,
        work_locality -> Nullable<Text>,
        work_region -> Nullable<Text>,
        work_postal_code -> Nullable<Text>,
        work_country -> Nullable<Text>,
        work_formatted_address -> Nullable<Text>,
        other_formatted_address -> Nullable<Text>,
        employee_number -> Nullable<Text>,
        department -> Nullable<Text>,
        division -> Nullable<Text>,
        organization -> Nullable<Text>,
        cost_center -> Nullable<Text>,
        manager -> Nullable<Text>,
        version -> BigInt,
        created_at -> BigInt,
        updated_at -> BigInt,
        scim_updated_at -> Nullable<BigInt>,
        channels -> Integer,
        inactive_since -> Nullable<BigInt>,
    }
}

diesel::table! {
    person_counts (enterprise_id, stripe, source, active, channels) {
        enterprise_id -> Text,
        stripe -> Integer,
        source -> Text,
        active -> Bool,
        channels -> Integer,
        n -> BigInt,
    }
}

diesel::table! {
    refused_while_off (enterprise_id, day) {
        enterprise_id -> Text,
        day -> BigInt,
        n -> BigInt,
    }
}

diesel::table! {
    entra_marks (enterprise_id, mark) {
        enterprise_id -> Text,
        mark -> Text,
        at -> BigInt,
    }
}

diesel::table! {
    activities (seq) {
        seq -> BigInt,
        enterprise_id -> Text,
        at -> BigInt,
        kind -> Text,
        actor -> Text,
        outcome -> Text,
        person_id -> Nullable<Text>,
        user_name -> Nullable<Text>,
        detail -> Text,
    }
}

diesel::table! {
    sessions (token_hash) {
        token_hash -> Text,
        principal_id -> Text,
        enterprise_id -> Text,
        csrf_hash -> Text,
        created_at -> BigInt,
        last_seen_at -> BigInt,
    }
}

diesel::table! {
    singletons (name) {
        name -> Text,
        created_at -> BigInt,
    }
}

diesel::table! {
    outbox (id) {
        id -> Text,
        enterprise_id -> Text,
        kind -> Text,
        enterprise_name -> Text,
        incident_id -> Nullable<Text>,
        recipient -> Text,
        occurred_at -> BigInt,
        reason -> Text,
        setup_url -> Text,
        created_at -> BigInt,
        attempts -> Integer,
        next_attempt_at -> BigInt,
        claimed_until -> Nullable<BigInt>,
        delivered_at -> Nullable<BigInt>,
        abandoned_at -> Nullable<BigInt>,
        last_error -> Nullable<Text>,
        examples -> Text,
        language -> Text,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    enterprises,
    principals,
    scim_imports,
    persons,
    activities,
    sessions,
    singletons,
    outbox,
    departures,
    person_counts,
    entra_marks,
    refused_while_off
);
