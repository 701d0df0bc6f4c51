//! The bindings generator, pinned to the workspace uniffi version.

fn main() {
    uniffi::uniffi_bindgen_main()
}
