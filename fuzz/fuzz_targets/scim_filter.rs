//! Any text given as a SCIM filter or PATCH path: parsing and resolving it must end with a
//! value or an error — never a panic, never unbounded recursion.
#![no_main]

use ens_http::scim::filter::{parse_filter, parse_patch_path};
use ens_http::scim::resolve::resolve;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(expr) = parse_filter(text) {
            let _ = resolve(&expr);
        }
        let _ = parse_patch_path(text);
    }
});
