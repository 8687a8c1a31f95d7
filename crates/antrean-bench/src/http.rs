//! A minimal HTTP/1.1 keep-alive client: one TCP connection, one request at
//! a time. The bench shares two cores with the server, so the client must
//! cost as little as possible: no connection pool, no header maps, no
//! per-request allocation beyond the response body. It speaks only what the
//! Antrean API answers (Content-Length or chunked bodies, no compression
//! since it never sends `Accept-Encoding`).

use std::net::SocketAddr;

use anyhow::{bail, Context};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

/// One keep-alive connection to the server.
#[derive(Debug)]
pub struct Conn {
    stream: BufReader<TcpStream>,
    /// `antrean_session=...` once signed in; sent on every request.
    cookie: Option<String>,
    /// Reused buffers for the request and the header lines.
    out: Vec<u8>,
    line: String,
}

/// A response: status, body and the session cookie when one was set.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub body: Vec<u8>,
    pub set_cookie: Option<String>,
}

/// A TCP connection to `addr` from the local address `local`.
pub async fn tcp_from(local: std::net::IpAddr, addr: SocketAddr) -> anyhow::Result<TcpStream> {
    let socket = tokio::net::TcpSocket::new_v4()?;
    socket.bind(SocketAddr::new(local, 0))?;
    socket
        .connect(addr)
        .await
        .with_context(|| format!("connecting to {addr} from {local}"))
}

impl Conn {
    pub async fn connect(addr: SocketAddr) -> anyhow::Result<Conn> {
        let tcp = TcpStream::connect(addr)
            .await
            .with_context(|| format!("connecting to {addr}"))?;
        tcp.set_nodelay(true)?;
        Ok(Conn {
            stream: BufReader::with_capacity(8192, tcp),
            cookie: None,
            out: Vec::with_capacity(512),
            line: String::new(),
        })
    }

    /// A connection from a local source address (`127.0.0.2`: another
    /// client on loopback, as the server sees it).
    pub async fn connect_from(local: std::net::IpAddr, addr: SocketAddr) -> anyhow::Result<Conn> {
        let tcp = tcp_from(local, addr).await?;
        tcp.set_nodelay(true)?;
        Ok(Conn {
            stream: BufReader::with_capacity(8192, tcp),
            cookie: None,
            out: Vec::with_capacity(512),
            line: String::new(),
        })
    }

    /// Sends the cookie `name=value` with every later request.
    pub fn set_cookie(&mut self, cookie: String) {
        self.cookie = Some(cookie);
    }

    pub async fn get(&mut self, path: &str) -> anyhow::Result<Response> {
        self.request("GET", path, None).await
    }

    pub async fn post(&mut self, path: &str, body: &[u8]) -> anyhow::Result<Response> {
        self.request("POST", path, Some(body)).await
    }

    pub async fn request(
        &mut self,
        method: &str,
        path: &str,
        body: Option<&[u8]>,
    ) -> anyhow::Result<Response> {
        use std::io::Write;
        self.out.clear();
        write!(self.out, "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n")?;
        if let Some(c) = &self.cookie {
            write!(self.out, "Cookie: {c}\r\n")?;
        }
        match body {
            Some(b) => {
                write!(
                    self.out,
                    "Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
                    b.len()
                )?;
                self.out.extend_from_slice(b);
            }
            None => self.out.extend_from_slice(b"\r\n"),
        }
        self.stream.get_mut().write_all(&self.out).await?;
        self.read_response()
            .await
            .with_context(|| format!("{method} {path}"))
    }

    async fn read_line(&mut self) -> anyhow::Result<()> {
        self.line.clear();
        if self.stream.read_line(&mut self.line).await? == 0 {
            bail!("connection closed by the server");
        }
        Ok(())
    }

    async fn read_response(&mut self) -> anyhow::Result<Response> {
        self.read_line().await?;
        let status: u16 = self
            .line
            .split_ascii_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .with_context(|| format!("bad status line {:?}", self.line))?;
        let mut length = None;
        let mut chunked = false;
        let mut set_cookie = None;
        loop {
            self.read_line().await?;
            let line = self.line.trim_end();
            if line.is_empty() {
                break;
            }
            let Some((name, value)) = line.split_once(':') else {
                continue;
            };
            let value = value.trim();
            if name.eq_ignore_ascii_case("content-length") {
                length = Some(value.parse::<usize>()?);
            } else if name.eq_ignore_ascii_case("transfer-encoding") {
                chunked = value.eq_ignore_ascii_case("chunked");
            } else if name.eq_ignore_ascii_case("set-cookie") {
                set_cookie = value.split(';').next().map(str::to_owned);
            }
        }
        let mut body = Vec::new();
        if chunked {
            loop {
                self.read_line().await?;
                let size =
                    usize::from_str_radix(self.line.trim().split(';').next().unwrap_or(""), 16)?;
                if size == 0 {
                    // Trailers (none expected) end with an empty line.
                    loop {
                        self.read_line().await?;
                        if self.line.trim().is_empty() {
                            break;
                        }
                    }
                    break;
                }
                let start = body.len();
                body.resize(start + size, 0);
                self.stream.read_exact(&mut body[start..]).await?;
                self.read_line().await?;
            }
        } else if let Some(n) = length {
            body.resize(n, 0);
            self.stream.read_exact(&mut body).await?;
        }
        Ok(Response {
            status,
            body,
            set_cookie,
        })
    }
}
