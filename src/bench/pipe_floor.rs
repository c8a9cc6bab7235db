//! The `pipe-pipelined` floor of the overhead bench: messages to another process and back
//! over two pipes with many of them in flight, as a process pool moves tasks and results.
//!
//! The other process is a forked child ([`crate::sync::fork::ForkedChild`]) that reads what
//! its input pipe holds (up to 4 KiB at a time) and echoes every whole message with a `write`
//! of its own. The parent writes every message with a `write` of its own too, keeps up to
//! [`IN_FLIGHT`] unanswered, and reads the echoes back as they come. So each message costs
//! what a frame per message costs at both ends; the wake-ups are shared by all the messages
//! in flight, which is what sets this floor apart from the one-at-a-time `pipe-ping-pong`.
//! A pool that puts several tasks in one frame pays less than this per task.
//!
//! To change the shape (message size, messages in flight), change the constants; the child
//! echoes whole messages of [`MESSAGE_BYTES`] whatever their number.

use std::io::{self, Read, Write};
use std::os::fd::RawFd;

use crate::sync::fork::{ForkedChild, write_full};

/// Bytes per message: about a task frame (14 bytes) or a result frame (21 bytes).
pub const MESSAGE_BYTES: usize = 16;
/// Most messages sent and not yet echoed back.
pub const IN_FLIGHT: usize = 64;

/// A forked echo process driven with many messages in flight. Dropping it closes the pipe
/// into it and reaps it.
#[derive(Debug)]
pub struct PipelinedEcho {
    child: ForkedChild,
    /// Sequence number of the next message; every message carries its own.
    next: u64,
    rbuf: Vec<u8>,
}

impl PipelinedEcho {
    /// Forks the echo process.
    pub fn start() -> io::Result<PipelinedEcho> {
        Ok(PipelinedEcho {
            child: ForkedChild::start(echo_messages)?,
            next: 0,
            rbuf: vec![0; IN_FLIGHT * MESSAGE_BYTES],
        })
    }

    /// The echo process's id.
    pub fn pid(&self) -> libc::pid_t {
        self.child.pid()
    }

    /// Sends `messages` messages, each with one `write`, at most [`IN_FLIGHT`] unanswered at
    /// a time, and reads their echoes. Errors when the pipe fails or a message comes back
    /// out of order or changed.
    pub fn run(&mut self, messages: usize) -> io::Result<()> {
        let mut to_child = self
            .child
            .input()
            .ok_or_else(|| io::Error::other("the echo process is stopped"))?;
        let mut from_child = self.child.output();
        let (first, end) = (self.next, self.next + messages as u64);
        let (mut sent, mut back, mut have) = (first, first, 0);
        while back < end {
            while sent < end && sent - back < IN_FLIGHT as u64 {
                to_child.write_all(&message(sent))?;
                sent += 1;
            }
            let n = from_child.read(&mut self.rbuf[have..])?;
            if n == 0 {
                return Err(io::ErrorKind::UnexpectedEof.into());
            }
            have += n;
            let whole = have - have % MESSAGE_BYTES;
            for echo in self.rbuf[..whole].chunks_exact(MESSAGE_BYTES) {
                if echo != message(back) {
                    return Err(io::Error::other(format!(
                        "message {back} came back as {echo:?}"
                    )));
                }
                back += 1;
            }
            self.rbuf.copy_within(whole..have, 0);
            have -= whole;
        }
        self.next = end;
        Ok(())
    }

    /// Closes the echo process's input, so it exits, and reaps it; an error if it failed.
    pub fn stop(self) -> io::Result<()> {
        self.child.stop()
    }
}

/// Message `seq`: its sequence number, then its complement.
fn message(seq: u64) -> [u8; MESSAGE_BYTES] {
    let mut m = [0u8; MESSAGE_BYTES];
    m[..8].copy_from_slice(&seq.to_le_bytes());
    m[8..].copy_from_slice(&(!seq).to_le_bytes());
    m
}

/// The child: echoes each whole message with its own `write` until end of file. Exit status
/// 0 at a clean end, 1 on a read error or a partial message at the end, 2 on a write error.
/// Async-signal-safe (a stack buffer and raw `read`/`write`).
fn echo_messages(input: RawFd, output: RawFd, _shared: Option<RawFd>) -> i32 {
    let mut buf = [0u8; 4096];
    let mut have = 0;
    loop {
        // SAFETY: the pointer and length describe the unfilled tail of `buf`.
        let n = unsafe { libc::read(input, buf[have..].as_mut_ptr().cast(), buf.len() - have) };
        if n == 0 {
            return i32::from(have != 0);
        }
        if n < 0 {
            if io::Error::last_os_error().raw_os_error() == Some(libc::EINTR) {
                continue;
            }
            return 1;
        }
        have += n as usize;
        let whole = have - have % MESSAGE_BYTES;
        for m in buf[..whole].chunks_exact(MESSAGE_BYTES) {
            if write_full(output, m).is_err() {
                return 2;
            }
        }
        buf.copy_within(whole..have, 0);
        have -= whole;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::fork::process_is_gone;

    #[test]
    fn messages_come_back_in_order_and_the_child_is_gone_after_stop() {
        let mut echo = PipelinedEcho::start().unwrap();
        let pid = echo.pid();
        echo.run(1).unwrap();
        echo.run(1000).unwrap();
        echo.run(IN_FLIGHT * 3 + 5).unwrap();
        assert_eq!(echo.next, 1 + 1000 + IN_FLIGHT as u64 * 3 + 5);
        echo.stop().unwrap();
        assert!(
            process_is_gone(pid),
            "the echo process {pid} is still there"
        );
    }

    #[test]
    fn a_changed_message_is_an_error() {
        let mut echo = PipelinedEcho::start().unwrap();
        // Pretend 5 messages went unanswered: the echo of message 0 is not message 5.
        echo.next = 5;
        echo.child.input().unwrap().write_all(&message(0)).unwrap();
        let err = echo.run(1).unwrap_err().to_string();
        assert!(err.contains("message 5 came back"), "{err}");
    }
}
