// @generated automatically by Diesel CLI.

diesel::table! {
    accounts (id) {
        id -> Text,
        email -> Text,
        password_hash -> Text,
        family_name -> Text,
        given_name -> Text,
        company -> Text,
        department -> Nullable<Text>,
        phone -> Nullable<Text>,
        language -> Text,
        role -> Text,
        terms_version -> Nullable<Text>,
        terms_accepted_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        time_zone -> Text,
    }
}

diesel::table! {
    api_tokens (id) {
        id -> Text,
        account_id -> Text,
        name -> Text,
        token_hash -> Text,
        scopes -> Text,
        created_at -> Timestamp,
        expires_at -> Nullable<Timestamp>,
        last_used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    categories (id) {
        id -> Text,
        slug -> Text,
        name_ja -> Text,
        name_en -> Text,
        description_ja -> Text,
        description_en -> Text,
        position -> Int4,
        retired_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    deliveries (id) {
        id -> Text,
        destination -> Text,
        subject -> Nullable<Text>,
        body_text -> Nullable<Text>,
        body_html -> Nullable<Text>,
        message_id -> Text,
        status -> Text,
        attempts -> Int4,
        due_at -> Timestamp,
        lease_until -> Nullable<Timestamp>,
        lease_token -> Nullable<Text>,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
        publication_id -> Nullable<Text>,
        destination_id -> Nullable<Text>,
        language -> Nullable<Text>,
        time_zone -> Nullable<Text>,
        in_reply_to -> Nullable<Text>,
        channel -> Text,
        carries -> Text,
        skip_reason -> Nullable<Text>,
        digest_id -> Nullable<Text>,
        reply -> Nullable<Text>,
        latency_ms -> Nullable<Int4>,
    }
}

diesel::table! {
    delivery_attempts (delivery_id, attempt) {
        delivery_id -> Text,
        attempt -> Int4,
        attempted_at -> Timestamp,
        outcome -> Text,
        reply -> Nullable<Text>,
        latency_ms -> Int4,
    }
}

diesel::table! {
    dev_mailbox (id) {
        id -> Text,
        recipient -> Text,
        subject -> Text,
        body_text -> Text,
        body_html -> Text,
        message_id -> Text,
        received_at -> Timestamp,
        raw -> Nullable<Text>,
    }
}

diesel::table! {
    email_changes (token_hash) {
        token_hash -> Text,
        account_id -> Text,
        new_email -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    feed_keys (account_id) {
        account_id -> Text,
        key_hash -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    notice_products (notice_id, product_id) {
        notice_id -> Text,
        product_id -> Text,
    }
}

diesel::table! {
    notice_templates (id) {
        id -> Text,
        name -> Text,
        kind -> Text,
        title_ja -> Text,
        title_en -> Nullable<Text>,
        body_ja -> Text,
        body_en -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    notices (id) {
        id -> Text,
        kind -> Text,
        title_ja -> Text,
        title_en -> Nullable<Text>,
        body_ja -> Text,
        body_en -> Nullable<Text>,
        status -> Text,
        starts_at -> Timestamp,
        ends_at -> Nullable<Timestamp>,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        published_at -> Nullable<Timestamp>,
        publish_at -> Nullable<Timestamp>,
        announce_lifecycle -> Bool,
        impact -> Nullable<Text>,
        recovered_at -> Nullable<Timestamp>,
        edited_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    password_resets (token_hash) {
        token_hash -> Text,
        account_id -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    product_groups (id) {
        id -> Text,
        category_id -> Text,
        slug -> Text,
        name_ja -> Text,
        name_en -> Text,
        description_ja -> Text,
        description_en -> Text,
        position -> Int4,
        retired_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    products (id) {
        id -> Text,
        group_id -> Text,
        slug -> Text,
        name_ja -> Text,
        name_en -> Text,
        description_ja -> Text,
        description_en -> Text,
        position -> Int4,
        retired_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    publications (id) {
        id -> Text,
        notice_id -> Text,
        sequence -> Int4,
        body_ja -> Text,
        body_en -> Nullable<Text>,
        status -> Text,
        starts_at -> Timestamp,
        ends_at -> Nullable<Timestamp>,
        issued_at -> Timestamp,
        audience -> Int4,
        skipped -> Int4,
        postmortem -> Bool,
    }
}

diesel::table! {
    rate_limits (action, key_hash) {
        action -> Text,
        key_hash -> Text,
        window_start -> Timestamp,
        window_end -> Timestamp,
        count -> Int4,
    }
}

diesel::table! {
    recipient_opt_outs (recipient_id, product_id, kind) {
        recipient_id -> Text,
        product_id -> Text,
        kind -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    recipient_verifications (token_hash) {
        token_hash -> Text,
        recipient_id -> Text,
        email -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    recipients (id) {
        id -> Text,
        account_id -> Text,
        email -> Text,
        weekdays -> Int4,
        hours -> Int4,
        time_zone -> Text,
        language -> Text,
        status -> Text,
        verified_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        bounces -> Int4,
        suspended_at -> Nullable<Timestamp>,
        suspension -> Nullable<Text>,
        last_bounce -> Nullable<Text>,
        holidays -> Text,
        reminders -> Int4,
        hold -> Bool,
    }
}

diesel::table! {
    refresh_tokens (token_hash) {
        token_hash -> Text,
        session_id -> Text,
        created_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    registrations (id) {
        id -> Text,
        email -> Text,
        token_hash -> Text,
        password_hash -> Text,
        family_name -> Text,
        given_name -> Text,
        company -> Text,
        department -> Nullable<Text>,
        phone -> Nullable<Text>,
        language -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    sessions (id) {
        id -> Text,
        account_id -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    subscriptions (account_id, product_id) {
        account_id -> Text,
        product_id -> Text,
        maintenance_mail -> Bool,
        outage_mail -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    terms (version) {
        version -> Text,
        title_ja -> Text,
        title_en -> Text,
        body_ja -> Text,
        body_en -> Text,
        published_at -> Timestamp,
    }
}

diesel::table! {
    webhooks (id) {
        id -> Text,
        account_id -> Text,
        channel -> Text,
        name -> Text,
        url -> Text,
        secret -> Text,
        previous_secret -> Nullable<Text>,
        previous_secret_until -> Nullable<Timestamp>,
        weekdays -> Int4,
        hours -> Int4,
        time_zone -> Text,
        language -> Text,
        maintenance -> Bool,
        outage -> Bool,
        status -> Text,
        code_hash -> Nullable<Text>,
        code_expires_at -> Nullable<Timestamp>,
        failures -> Int4,
        failing_since -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        quarantined_at -> Nullable<Timestamp>,
        verified_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        holidays -> Text,
        reminders -> Int4,
        hold -> Bool,
    }
}

diesel::joinable!(api_tokens -> accounts (account_id));
diesel::joinable!(email_changes -> accounts (account_id));
diesel::joinable!(feed_keys -> accounts (account_id));
diesel::joinable!(notice_products -> notices (notice_id));
diesel::joinable!(notice_products -> products (product_id));
diesel::joinable!(notices -> accounts (created_by));
diesel::joinable!(password_resets -> accounts (account_id));
diesel::joinable!(product_groups -> categories (category_id));
diesel::joinable!(products -> product_groups (group_id));
diesel::joinable!(publications -> notices (notice_id));
diesel::joinable!(recipient_opt_outs -> products (product_id));
diesel::joinable!(recipient_opt_outs -> recipients (recipient_id));
diesel::joinable!(recipient_verifications -> recipients (recipient_id));
diesel::joinable!(recipients -> accounts (account_id));
diesel::joinable!(refresh_tokens -> sessions (session_id));
diesel::joinable!(sessions -> accounts (account_id));
diesel::joinable!(subscriptions -> accounts (account_id));
diesel::joinable!(subscriptions -> products (product_id));
diesel::joinable!(webhooks -> accounts (account_id));

diesel::allow_tables_to_appear_in_same_query!(
    accounts,
    api_tokens,
    categories,
    deliveries,
    delivery_attempts,
    dev_mailbox,
    email_changes,
    feed_keys,
    notice_products,
    notice_templates,
    notices,
    password_resets,
    product_groups,
    products,
    publications,
    rate_limits,
    recipient_opt_outs,
    recipient_verifications,
    recipients,
    refresh_tokens,
    registrations,
    sessions,
    subscriptions,
    terms,
    webhooks,
);
