//! The browser entry point: mounts the Leptos app. Built by Trunk for wasm32.

fn main() {
    #[cfg(target_arch = "wasm32")]
    {}
    #[cfg(not(target_arch = "wasm32"))]
    eprintln!("the playground's web app runs in the browser: see README.md");
}
