//! Linking mentions within an article to one canonical name.
