//! Requests written byte by byte on a connection of the test's own: what a client library
//! would refuse to send (a body shorter than its length, a head that lies).

use serde_json::Value;

use crate::helpers::TestApp;

/// An answer read off a connection of the test's own (`TestApp::raw_request`).
#[derive(Debug)]
pub struct RawAnswer {
    pub status: u16,
    pub content_type: String,
    pub body: Value,
}

impl TestApp {
    /// Sends `head` (the request line and headers; `Host` and `Connection: close` are added)
    /// on a connection of its own, then `body` from a task of its own, and reads one answer.
    /// The write side stays open until the answer is read, so an answer given while the
    /// server still waits for the body is read as sent: when `body` is shorter than the head
    /// declares, the server answered without reading a body it never got. Write errors are
    /// ignored (the server may stop reading once it has answered).
    pub async fn raw_request(&self, head: &str, body: Vec<u8>) -> RawAnswer {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let host = self.addr.trim_start_matches("http://").to_string();
        let exchange = async {
            let stream = tokio::net::TcpStream::connect(&host)
                .await
                .expect("connect");
            let (mut read, mut write) = stream.into_split();
            let head = format!("{head}\r\nHost: {host}\r\nConnection: close\r\n\r\n");
            write
                .write_all(head.as_bytes())
                .await
                .expect("send the head");
            let (done, until_done) = tokio::sync::oneshot::channel::<()>();
            let writer = tokio::spawn(async move {
                for chunk in body.chunks(64 * 1024) {
                    if write.write_all(chunk).await.is_err() {
                        break;
                    }
                }
                let _ = until_done.await;
                drop(write);
            });
            let mut got = Vec::new();
            let mut buf = [0u8; 16 * 1024];
            let head_end = loop {
                if let Some(i) = got.windows(4).position(|w| w == b"\r\n\r\n") {
                    break i + 4;
                }
                let n = read.read(&mut buf).await.expect("read the answer");
                assert!(n > 0, "the connection closed before an answer");
                got.extend_from_slice(&buf[..n]);
            };
            let head = String::from_utf8_lossy(&got[..head_end]).to_lowercase();
            let status: u16 = head
                .split_whitespace()
                .nth(1)
                .and_then(|s| s.parse().ok())
                .unwrap_or_else(|| panic!("no status in {head}"));
            let header = |name: &str| {
                head.lines()
                    .find_map(|l| l.strip_prefix(name)?.strip_prefix(':'))
                    .map(|v| v.trim().to_string())
            };
            let length: usize = header("content-length")
                .and_then(|v| v.parse().ok())
                .unwrap_or_else(|| panic!("no content-length in {head}"));
            while got.len() < head_end + length {
                let n = read.read(&mut buf).await.expect("read the answer's body");
                assert!(n > 0, "the connection closed inside the answer");
                got.extend_from_slice(&buf[..n]);
            }
            let _ = done.send(());
            let _ = writer.await;
            RawAnswer {
                status,
                content_type: header("content-type").unwrap_or_default(),
                body: serde_json::from_slice(&got[head_end..head_end + length])
                    .expect("a JSON body"),
            }
        };
        // Only a server that waits for a body it should have refused unread reaches this.
        tokio::time::timeout(std::time::Duration::from_secs(60), exchange)
            .await
            .expect("an answer without waiting for the body")
    }
}

/// The answer is the JSON error `code` with status `status` and a message.
pub fn assert_raw_error(answer: &RawAnswer, status: u16, code: &str) {
    assert_eq!(answer.status, status, "{answer:?}");
    assert!(
        answer.content_type.starts_with("application/json"),
        "{answer:?}"
    );
    assert_eq!(answer.body["error"], code, "{answer:?}");
    assert!(answer.body["message"].is_string(), "{answer:?}");
}
