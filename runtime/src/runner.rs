//! Runs the unit tests of a set of compiled detections in PAT's order and writes the
//! records of `ferrule test --jsonl`.
