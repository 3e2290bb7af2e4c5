//! Saving to localStorage and share links.
