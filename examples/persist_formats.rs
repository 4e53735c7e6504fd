//! Temporary: times the persisted list index.
use std::time::Instant;

use redflag::screening::{import, persist, Screener};

fn main() {
    let path = std::env::args().nth(1).unwrap_or("target/bench-peer/list-20k.csv".into());
    let (file, _) = import::load_spec(&path).unwrap();
    let t = Instant::now();
    let screener = Screener::build(file.entries);
    eprintln!("build {:?}", t.elapsed());
    let key = persist::Key::new(["x"]);
    let t = Instant::now();
    let bytes = persist::encode(&key, &[], &screener).unwrap();
    eprintln!("encode {:?} {} bytes", t.elapsed(), bytes.len());
    for _ in 0..5 {
        let t = Instant::now();
        let c = persist::decode(&key, &bytes).unwrap();
        eprintln!("decode {:?}", t.elapsed());
        std::mem::forget(c);
    }
}
