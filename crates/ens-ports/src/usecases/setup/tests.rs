use ens_domain::{ActivityKind, Field, SyncState};

use super::*;
use crate::memory::RecordingMailer;
use crate::testing::ports_with_mailer;

fn logged_in(p: &Ports) -> PrincipalContext {
    let e = p.create_enterprise("Contoso").expect("enterprise");
    let creds = p.create_principal(e.id, "admin@contoso.com").expect("principal");
    let s = p.login("admin@contoso.com", &creds.password, "ip").expect("login");
    p.change_password(&s.context, &creds.password, "correct horse battery").expect("changed").context
}

#[test]
fn a_one_time_password_blocks_setup_until_changed() {
    let (p, _) = ports_with_mailer();
    let e = p.create_enterprise("Contoso").expect("enterprise");
    let creds = p.create_principal(e.id, "admin@contoso.com").expect("principal");
    let s = p.login("admin@contoso.com", &creds.password, "ip").expect("login");
    assert!(matches!(p.import_setup(&s.context), Err(AdminError::PasswordChangeRequired)));
    assert!(matches!(p.generate_scim_token(&s.context), Err(AdminError::PasswordChangeRequired)));
}

#[test]
fn token_generation_keeps_two_tokens_at_most() {
    let (p, _) = ports_with_mailer();
    let ctx = logged_in(&p);
    let (first, import) = p.generate_scim_token(&ctx).expect("token");
    assert_eq!(import.token.as_ref().map(|t| t.last4.clone()), Some(first.last4()));
    assert!(p.setup.scim_import_by_token(&first.hash()).expect("store").is_some());
    let (second, _) = p.generate_scim_token(&ctx).expect("token");
    assert_ne!(first, second);
    assert!(p.setup.scim_import_by_token(&first.hash()).expect("store").is_some(), "the previous token overlaps");
    assert!(p.setup.scim_import_by_token(&second.hash()).expect("store").is_some());
    let (third, _) = p.generate_scim_token(&ctx).expect("token");
    assert!(p.setup.scim_import_by_token(&first.hash()).expect("store").is_none(), "the oldest is gone at once");
    assert!(p.setup.scim_import_by_token(&second.hash()).expect("store").is_some());
    assert!(p.setup.scim_import_by_token(&third.hash()).expect("store").is_some());
    let (log, _) = p.activity_log(&ctx, &ens_domain::ActivityFilter::default(), 0, 10).expect("log");
    assert_eq!(log[0].kind, ActivityKind::TokenGenerated);
    assert!(!log[0].detail.quotes(third.expose()), "the token is never written down");
    assert!(log[0].detail.says("token-retired-replaced"), "{:?}", log[0].detail);
}

#[test]
fn switching_on_needs_a_token_and_clears_a_failure() {
    let (p, _) = ports_with_mailer();
    let ctx = logged_in(&p);
    assert!(matches!(p.set_import_enabled(&ctx, true), Err(AdminError::NoToken)));
    p.generate_scim_token(&ctx).expect("token");
    let on = p.set_import_enabled(&ctx, true).expect("on");
    assert!(matches!(on.state, SyncState::Enabled { by: Some(by), .. } if by == ctx.principal.id));
    let off = p.set_import_enabled(&ctx, false).expect("off");
    assert!(matches!(off.state, SyncState::DisabledByPrincipal { .. }));
    let again = p.set_import_enabled(&ctx, false).expect("still off");
    assert_eq!(again.version, off.version, "no change, no write");
    let kinds: Vec<ActivityKind> = p
        .activity_log(&ctx, &ens_domain::ActivityFilter::default(), 0, 10)
        .expect("log")
        .0
        .iter()
        .map(|a| a.kind)
        .collect();
    assert_eq!(kinds, [ActivityKind::ImportSwitchedOff, ActivityKind::ImportSwitchedOn, ActivityKind::TokenGenerated]);
}

#[test]
fn notify_addresses_are_validated_all_or_nothing() {
    let (p, _) = ports_with_mailer();
    let ctx = logged_in(&p);
    let err =
        p.set_notify_addresses(&ctx, &["ops@contoso.com".into(), "nope".into(), "x@y".into()]).expect_err("invalid");
    let AdminError::InvalidAddresses(problems) = err else { panic!("{err:?}") };
    assert_eq!(problems.iter().map(|p| p.index).collect::<Vec<_>>(), [1, 2]);
    assert!(p.import_setup(&ctx).expect("setup").1.notify.is_empty(), "nothing stored");
    let i = p
        .set_notify_addresses(&ctx, &["ops@contoso.com".into(), "OPS@contoso.com".into(), " it@contoso.com ".into()])
        .expect("ok");
    assert_eq!(i.notify.iter().map(|a| a.as_str()).collect::<Vec<_>>(), ["ops@contoso.com", "it@contoso.com"]);
    assert!(p.set_notify_addresses(&ctx, &[]).expect("zero is fine").notify.is_empty());
    let many: Vec<String> = (0..21).map(|i| format!("a{i}@contoso.com")).collect();
    assert!(matches!(p.set_notify_addresses(&ctx, &many), Err(AdminError::InvalidAddresses(_))));
}

#[test]
fn mapping_keeps_required_fields() {
    let (p, _) = ports_with_mailer();
    let ctx = logged_in(&p);
    let err = p.set_mapping(&ctx, &["user_name".into(), "title".into()]).expect_err("required");
    assert!(err.to_string().contains("external_id, active"), "{err}");
    let i =
        p.set_mapping(&ctx, &["user_name".into(), "external_id".into(), "active".into(), "title".into()]).expect("ok");
    assert!(i.mapping.admits(Field::Title) && !i.mapping.admits(Field::PhoneMobile));
    let (log, _) = p.activity_log(&ctx, &ens_domain::ActivityFilter::default(), 0, 1).expect("log");
    assert!(log[0].detail.says("mapping-removed") && log[0].detail.names(Field::PhoneMobile), "{:?}", log[0].detail);
}

#[test]
fn test_notice_goes_to_every_address_and_reports_failures() {
    let (p, mailer): (Ports, std::sync::Arc<RecordingMailer>) = ports_with_mailer();
    let ctx = logged_in(&p);
    assert!(matches!(p.send_test_notice(&ctx, "https://x/setup"), Err(AdminError::NoAddresses)));
    p.set_notify_addresses(&ctx, &["ops@contoso.com".into(), "it@contoso.com".into()]).expect("ok");
    let result = p.send_test_notice(&ctx, "https://x/setup").expect("sent");
    assert!(result.iter().all(|d| d.error.is_none()));
    let sent = mailer.sent();
    assert_eq!(sent.iter().map(|n| n.recipient.as_str()).collect::<Vec<_>>(), ["ops@contoso.com", "it@contoso.com"]);
    assert_eq!(sent[0].setup_url, "https://x/setup");
    mailer.set_failing(true);
    let result = p.send_test_notice(&ctx, "https://x/setup").expect("reported");
    assert!(result.iter().all(|d| d.error.as_deref().is_some_and(|e| e.contains("refused"))));
}

#[test]
fn switching_on_says_how_long_import_was_off_once_entra_had_called() {
    let (p, clock) = crate::testing::ports_with_clock();
    let ctx = logged_in(&p);
    let (token, _) = p.generate_scim_token(&ctx).expect("token");
    let (_, off_for) = p.switch_import(&ctx, true).expect("on");
    assert_eq!(off_for, None, "Entra never called: nothing to restart");
    let import = p.scim_begin(token.expose()).expect("Entra calls");
    p.scim_seen(&import, &token.hash());
    p.switch_import(&ctx, false).expect("off");
    clock.advance(std::time::Duration::from_secs(3 * 3600));
    let (_, off_for) = p.switch_import(&ctx, true).expect("on again");
    assert_eq!(off_for, Some(std::time::Duration::from_secs(3 * 3600)));
    let (_, again) = p.switch_import(&ctx, true).expect("already on");
    assert_eq!(again, None, "already on: nothing was off");
}

#[test]
fn the_last_change_from_entra_is_the_newest_applied_scim_entry() {
    let (p, clock) = crate::testing::ports_with_clock();
    let ctx = logged_in(&p);
    assert_eq!(p.last_scim_change(&ctx).expect("read"), None);
    let (token, _) = p.generate_scim_token(&ctx).expect("token");
    p.set_import_enabled(&ctx, true).expect("on");
    let import = p.scim_begin(token.expose()).expect("Entra calls");
    clock.advance(std::time::Duration::from_secs(60));
    let created = p.scim_create(&import, vec![ens_domain::FieldChange::set(Field::UserName, "jdoe@contoso.com")]);
    let at = created.expect("created").person.created_at;
    clock.advance(std::time::Duration::from_secs(60));
    p.set_import_enabled(&ctx, false).expect("a principal's change is not Entra's");
    assert_eq!(p.last_scim_change(&ctx).expect("read"), Some(at));
}
