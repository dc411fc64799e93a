//! `panther_detection_helpers.caching`: the key-value store detections use, behind a trait,
//! with an in-memory implementation that honours TTLs.
