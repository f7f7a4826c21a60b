//! Operator commands.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use support::run;

#[test]
fn operator_creates_enterprise_and_principal_and_resets_the_password() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("cli.db").display());
    let env = [("ENS_SCIM__DATABASE__URL", url.as_str())];

    let (ok, out, err) = run(&["migrate"], &env);
    assert!(ok, "{err}");
    let migrations =
        std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../../migrations/sqlite")).unwrap().count();
    assert!(out.contains(&format!("{migrations} migration(s) applied")), "{out}");
    let (ok, out, _) = run(&["migrate"], &env);
    assert!(ok && out.contains("0 migration(s) applied"), "{out}");

    let (ok, out, err) = run(&["enterprise", "create", "--name", "Contoso"], &env);
    assert!(ok, "{err}");
    let id = out.trim().rsplit(' ').next().unwrap().to_owned();
    let (_, list, _) = run(&["enterprise", "list"], &env);
    assert_eq!(list.trim(), format!("{id}\tContoso"));

    let (ok, out, err) = run(&["principal", "create", "--enterprise", "Contoso", "--login", "admin@contoso.com"], &env);
    assert!(ok, "{err}");
    let password = support::printed_password(&out);
    assert_eq!(password.len(), 20);
    assert!(!err.contains(&password), "the password is not logged");

    let (ok, _, err) = run(&["principal", "create", "--enterprise", &id, "--login", "ADMIN@contoso.com"], &env);
    assert!(!ok && err.contains("exists already"), "{err}");
    let (ok, _, err) = run(&["principal", "create", "--enterprise", "Fabrikam", "--login", "x@fabrikam.com"], &env);
    assert!(!ok && err.contains("no enterprise Fabrikam"), "{err}");

    let (ok, out, _) = run(&["principal", "reset-password", "--login", "admin@contoso.com"], &env);
    assert!(ok);
    let second = support::printed_password(&out);
    assert_ne!(second, password);
}

/// A one-shot command ends while nothing else runs: with a pool that opened connections ahead,
/// the process sometimes crashed on exit (SIGSEGV in libpq's TLS code, about 1 run in 10 here).
#[test]
fn one_shot_commands_on_postgres_exit_cleanly() {
    use std::os::unix::process::ExitStatusExt;

    let db = ens_store_diesel::testing::TestDb::postgres();
    let url = db.url_string();
    let env = [("ENS_SCIM__DATABASE__URL", url.as_str()), ("ENS_SCIM__DATABASE__POOL_SIZE", "16")];
    assert!(run(&["enterprise", "create", "--name", "Contoso"], &env).0);
    for attempt in 0..30 {
        let out = std::process::Command::new(support::BIN)
            .args(["enterprise", "list"])
            .envs(env.iter().copied())
            .env_remove("RUST_LOG")
            .output()
            .unwrap();
        assert!(
            out.status.success() && String::from_utf8_lossy(&out.stdout).contains("Contoso"),
            "attempt {attempt}: {:?} (signal {:?}) {}",
            out.status,
            out.status.signal(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
