//! A decision acknowledged with 2xx survives `kill -9` of the server at any moment: clients
//! post decisions while the server is killed and restarted; afterwards every acknowledged
//! decision is in the trail and `audit verify` passes. Bounded: five rounds of under a second.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use super::*;

const ORDERS: usize = 40;

#[test]
fn acknowledged_decisions_survive_kill_9() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("redflag.db").display().to_string();
    let template: serde_json::Value =
        serde_json::from_slice(&std::fs::read(SAMPLE).unwrap()).unwrap();
    let orders: Vec<serde_json::Value> = (0..ORDERS)
        .map(|i| {
            let mut o = template[1].clone();
            o["id"] = format!("D-{i}").into();
            o
        })
        .collect();
    {
        let server = start_in(tempfile::tempdir().unwrap(), &db, &[]);
        let report = server.check(serde_json::to_vec(&orders).unwrap().as_slice());
        assert_eq!(report.status, 200);
    }
    let acknowledged: Arc<Mutex<Vec<(i64, String)>>> = Arc::default();
    for round in 0..5u64 {
        let server = start_in(tempfile::tempdir().unwrap(), &db, &[]);
        let stop = Arc::new(AtomicBool::new(false));
        let clients: Vec<_> = (0..3)
            .map(|c| {
                let (base, stop, acknowledged) = (server.base.clone(), stop.clone(), acknowledged.clone());
                std::thread::spawn(move || {
                    let agent = agent();
                    let mut i = c;
                    while !stop.load(Ordering::SeqCst) {
                        let id = format!("D-{}", i % ORDERS);
                        i += 3;
                        let sent = agent
                            .post(format!("{base}/v1/orders/{id}/decisions"))
                            .header("Authorization", format!("Bearer {ALICE}"))
                            .header("Content-Type", "application/json")
                            .send(serde_json::json!({"action": "escalate", "reason": format!("round {round}")}).to_string());
                        let Ok(response) = sent else { break };
                        let a = answer(response);
                        if a.status == 201 {
                            acknowledged.lock().unwrap().push((a.json()["seq"].as_i64().unwrap(), id));
                        }
                    }
                })
            })
            .collect();
        // Kill at a different moment each round, mid-stream.
        std::thread::sleep(Duration::from_millis(150 + round * 97 % 400));
        let mut server = server;
        server.child.kill().unwrap(); // SIGKILL
        server.child.wait().unwrap();
        stop.store(true, Ordering::SeqCst);
        for c in clients {
            c.join().unwrap();
        }
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    assert!(
        acknowledged.len() > 20,
        "too few decisions got through: {}",
        acknowledged.len()
    );
    let (status, out, err) = redflag(&["audit", "export", "--db", &db], b"");
    assert_eq!(status, 0, "{err}");
    let rows: std::collections::HashMap<i64, serde_json::Value> = String::from_utf8(out)
        .unwrap()
        .lines()
        .map(|l| {
            let row: serde_json::Value = serde_json::from_str(l).unwrap();
            (row["seq"].as_i64().unwrap(), row)
        })
        .collect();
    for (seq, order) in &acknowledged {
        let row = rows
            .get(seq)
            .unwrap_or_else(|| panic!("acknowledged decision {seq} on {order} is lost"));
        assert_eq!(row["kind"], "decision");
        assert_eq!(&row["order"], order);
    }
    let (status, out, err) = redflag(&["audit", "verify", "--db", &db], b"");
    assert_eq!(status, 0, "{}{err}", String::from_utf8_lossy(&out));
}
