//! Gives the shared library its soname (`libapprovalstudio.so.0`, the ABI major version), so
//! programs linked against it keep working across compatible upgrades.
fn main() {
    let target_os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    if target_os == "linux" || target_os == "freebsd" || target_os == "netbsd" {
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libapprovalstudio.so.0");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
