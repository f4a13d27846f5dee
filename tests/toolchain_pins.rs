//! The wasm-bindgen library and the wasm-bindgen CLI must be the same version, or trunk's
//! output breaks at run time. Three places name it; this test fails when they drift.
#![cfg(not(target_arch = "wasm32"))]

use std::fs;
use std::path::Path;

fn read(file: &str) -> String {
    fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(file))
        .unwrap_or_else(|e| panic!("{file}: {e}"))
}

/// The first `"..."` string on the line that starts with `key` inside `[section]`.
fn value_in_section(text: &str, section: &str, key: &str) -> Option<String> {
    let mut inside = false;
    for line in text.lines().map(str::trim) {
        if line.starts_with('[') {
            inside = line == section;
        } else if inside && line.starts_with(key) && line[key.len()..].trim_start().starts_with('=')
        {
            return line.split('"').nth(1).map(str::to_owned);
        }
    }
    None
}

fn locked_version(lock: &str, package: &str) -> Option<String> {
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line == format!("name = \"{package}\"") {
            return lines.next()?.split('"').nth(1).map(str::to_owned);
        }
    }
    None
}

#[test]
fn wasm_bindgen_is_pinned_to_one_version_everywhere() {
    let cargo = value_in_section(
        &read("Cargo.toml"),
        "[workspace.dependencies]",
        "wasm-bindgen",
    )
    .expect("Cargo.toml [workspace.dependencies] pins wasm-bindgen");
    let exact = cargo
        .strip_prefix('=')
        .unwrap_or_else(|| panic!("wasm-bindgen must be pinned exactly (=x.y.z), got {cargo}"));
    let trunk = value_in_section(&read("Trunk.toml"), "[tools]", "wasm_bindgen")
        .expect("Trunk.toml [tools] wasm_bindgen");
    let locked =
        locked_version(&read("Cargo.lock"), "wasm-bindgen").expect("Cargo.lock has wasm-bindgen");
    assert_eq!(
        exact, trunk,
        "Cargo.toml pins {exact}, Trunk.toml names {trunk}"
    );
    assert_eq!(
        exact, locked,
        "Cargo.toml pins {exact}, Cargo.lock has {locked}"
    );
}

#[test]
fn the_section_reader_sees_only_its_section() {
    let text = "[a]\nx = \"1\"\n[b]\nx = \"2\"\nxy = \"3\"\n";
    assert_eq!(value_in_section(text, "[b]", "x").as_deref(), Some("2"));
    assert_eq!(value_in_section(text, "[c]", "x"), None);
}
