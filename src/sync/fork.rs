//! Helper processes made with `fork`, for measurements that need a second process but no
//! program to run in it: the pipe queue's consumers, the pipe wake-up partner, and the
//! `pipe-ping-pong` floor of `benches/overhead.rs`.
//!
//! A forked child of a process that may have other threads can only make async-signal-safe
//! calls (no allocation, no locks). So a child here runs a plain `fn(input, output) -> i32`
//! that does raw `read`/`write` on two descriptors and arithmetic, then `_exit`s with its
//! return value. Before that it closes every other descriptor it inherited, so that it holds
//! no pipe end of anyone else (a concurrent test's pipe would otherwise never see end of
//! file). To add a kind of child, write such a body and start it with [`ForkedChild::start`].

use std::fs::File;
use std::io::{self, Read, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};

/// The body of a forked child: reads from `input` (and from `shared`, a descriptor several
/// children may read, when it was started with one), writes to `output`, returns its exit
/// status. It must make async-signal-safe calls only (see the module docs).
pub type ChildBody = fn(input: RawFd, output: RawFd, shared: Option<RawFd>) -> i32;

/// A forked child process with a pipe into it and a pipe out of it. Dropping it closes its
/// input and reaps it, so no child outlives its owner.
#[derive(Debug)]
pub struct ForkedChild {
    pid: libc::pid_t,
    to_child: Option<File>,
    from_child: File,
}

impl ForkedChild {
    /// Forks a child that runs `body` on the read end of a fresh pipe (fed by
    /// [`ForkedChild::input`]) and the write end of another (read by
    /// [`ForkedChild::output`]).
    pub fn start(body: ChildBody) -> io::Result<ForkedChild> {
        Self::fork_with(body, None)
    }

    /// As [`ForkedChild::start`], and the child also inherits `shared`, a descriptor of
    /// this process (e.g. the read end of a pipe several children read). Whoever holds the
    /// other end of `shared` must close it before the child is stopped or dropped if the
    /// child reads `shared` to end of file.
    pub fn start_sharing(body: ChildBody, shared: &OwnedFd) -> io::Result<ForkedChild> {
        Self::fork_with(body, Some(shared.as_raw_fd()))
    }

    fn fork_with(body: ChildBody, shared: Option<RawFd>) -> io::Result<ForkedChild> {
        let (down_read, down_write) = pipe()?;
        let (up_read, up_write) = pipe()?;
        let keep = [
            down_read.as_raw_fd(),
            up_write.as_raw_fd(),
            shared.unwrap_or(-1),
        ];
        // Listed before the fork: the child must not allocate. It is only the fallback for
        // kernels without close_range.
        let open = open_descriptors();
        // SAFETY: the child runs only `child_main`, which makes async-signal-safe calls
        // (close, read, write, _exit) on memory it already owns, so forking a process that
        // may have other threads is sound; it never returns into the parent's code.
        let pid = unsafe { libc::fork() };
        if pid < 0 {
            return Err(io::Error::last_os_error());
        }
        if pid == 0 {
            // SAFETY: as above.
            unsafe { child_main(body, keep, &open) }
        }
        drop((down_read, up_write));
        Ok(ForkedChild {
            pid,
            to_child: Some(File::from(down_write)),
            from_child: File::from(up_read),
        })
    }

    /// The child's process id.
    pub fn pid(&self) -> libc::pid_t {
        self.pid
    }

    /// The write end of the pipe the child reads as its `input`.
    pub fn input(&self) -> Option<&File> {
        self.to_child.as_ref()
    }

    /// The read end of the pipe the child writes.
    pub fn output(&self) -> &File {
        &self.from_child
    }

    /// Closes the child's input and waits for it; an error unless it exited with status 0.
    pub fn stop(mut self) -> io::Result<()> {
        let pid = self.pid;
        let status = self.reap()?;
        if libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0 {
            Ok(())
        } else {
            Err(io::Error::other(format!(
                "child process {pid} ended with wait status {status:#x}"
            )))
        }
    }

    /// Closes the input and waits for the child. Forgets its id afterwards, so that a later
    /// call cannot reap another process that reuses it.
    fn reap(&mut self) -> io::Result<libc::c_int> {
        self.to_child = None;
        let mut status = 0;
        loop {
            // SAFETY: waits for our own child; `status` is a valid out pointer.
            let r = unsafe { libc::waitpid(self.pid, &mut status, 0) };
            if r == self.pid {
                self.pid = 0;
                return Ok(status);
            }
            let err = io::Error::last_os_error();
            if err.kind() != io::ErrorKind::Interrupted {
                self.pid = 0;
                return Err(err);
            }
        }
    }
}

impl Drop for ForkedChild {
    fn drop(&mut self) {
        if self.pid > 0 {
            let _ = self.reap();
        }
    }
}

/// True when no process with this id exists any more (it was reaped, or never existed).
pub fn process_is_gone(pid: libc::pid_t) -> bool {
    // SAFETY: signal 0 only checks that the process exists.
    let r = unsafe { libc::kill(pid, 0) };
    r != 0 && io::Error::last_os_error().raw_os_error() == Some(libc::ESRCH)
}

/// A child that echoes every byte it reads back, until end of file: the far end of a pipe
/// round trip (the `pipe-ping-pong` floor and the pipe wake-up).
#[derive(Debug)]
pub struct EchoChild {
    child: ForkedChild,
}

impl EchoChild {
    /// Forks the echo process.
    pub fn start() -> io::Result<EchoChild> {
        Ok(EchoChild {
            child: ForkedChild::start(echo_body)?,
        })
    }

    /// The echo process's id.
    pub fn pid(&self) -> libc::pid_t {
        self.child.pid()
    }

    /// Sends one byte and returns the byte that came back.
    pub fn round_trip(&mut self, byte: u8) -> io::Result<u8> {
        let mut to_child = self.child.input().expect("the echo process is running");
        to_child.write_all(&[byte])?;
        let mut back = [0u8];
        let mut from_child = self.child.output();
        from_child.read_exact(&mut back)?;
        Ok(back[0])
    }

    /// Closes the echo process's input, so it exits, and reaps it; an error if it failed.
    pub fn stop(self) -> io::Result<()> {
        self.child.stop()
    }
}

fn echo_body(input: RawFd, output: RawFd, _shared: Option<RawFd>) -> i32 {
    let mut byte = [0u8];
    loop {
        match read_full(input, &mut byte) {
            Ok(false) => return 0,
            Ok(true) => {}
            Err(()) => return 1,
        }
        if write_full(output, &byte).is_err() {
            return 2;
        }
    }
}

/// Reads exactly `buf.len()` bytes with raw `read` calls: `Ok(true)` when full, `Ok(false)`
/// at end of file before the first byte, `Err` on an error or a truncated message.
/// Async-signal-safe.
pub(crate) fn read_full(fd: RawFd, buf: &mut [u8]) -> Result<bool, ()> {
    let mut done = 0;
    while done < buf.len() {
        // SAFETY: the pointer and length describe the unread tail of `buf`.
        let n = unsafe { libc::read(fd, buf[done..].as_mut_ptr().cast(), buf.len() - done) };
        if n == 0 {
            return if done == 0 { Ok(false) } else { Err(()) };
        }
        if n < 0 {
            if errno() == libc::EINTR {
                continue;
            }
            return Err(());
        }
        done += n as usize;
    }
    Ok(true)
}

/// Writes all of `buf` with raw `write` calls. Async-signal-safe.
pub(crate) fn write_full(fd: RawFd, buf: &[u8]) -> Result<(), ()> {
    let mut done = 0;
    while done < buf.len() {
        // SAFETY: the pointer and length describe the unwritten tail of `buf`.
        let n = unsafe { libc::write(fd, buf[done..].as_ptr().cast(), buf.len() - done) };
        if n < 0 {
            if errno() == libc::EINTR {
                continue;
            }
            return Err(());
        }
        done += n as usize;
    }
    Ok(())
}

/// The calling thread's `errno`, read without allocating.
fn errno() -> i32 {
    io::Error::last_os_error().raw_os_error().unwrap_or(0)
}

/// A forked child's whole life: close what it inherited but `keep` (input, output and
/// shared, -1 for none), run `body`, `_exit`.
///
/// # Safety
/// Call only in a freshly forked child, which must never return to the parent's code.
unsafe fn child_main(body: ChildBody, keep: [RawFd; 3], open: &[RawFd]) -> ! {
    close_all_but(keep, open);
    let shared = (keep[2] >= 0).then_some(keep[2]);
    let status = body(keep[0], keep[1], shared);
    // SAFETY: `_exit` ends the process without running the parent's destructors.
    unsafe { libc::_exit(status) }
}

/// Closes every descriptor not in `keep` (-1 entries keep nothing): with `close_range`
/// where the kernel has it, else those listed in `open`. Async-signal-safe.
fn close_all_but(mut keep: [RawFd; 3], open: &[RawFd]) {
    keep.sort_unstable();
    #[cfg(target_os = "linux")]
    {
        // The gaps between the kept descriptors, and after the last one.
        let mut all_closed = true;
        let mut first: libc::c_uint = 0;
        for fd in keep.into_iter().filter(|fd| *fd >= 0) {
            let fd = fd as libc::c_uint;
            if fd > first {
                all_closed &= close_range(first, fd - 1);
            }
            first = fd + 1;
        }
        all_closed &= close_range(first, libc::c_uint::MAX);
        if all_closed {
            return;
        }
    }
    for &fd in open {
        if !keep.contains(&fd) {
            // SAFETY: closing a descriptor touches no memory.
            unsafe { libc::close(fd) };
        }
    }
}

/// `close_range(first, last, 0)`; false where the kernel lacks it.
#[cfg(target_os = "linux")]
fn close_range(first: libc::c_uint, last: libc::c_uint) -> bool {
    // SAFETY: close_range only closes descriptors; no memory is touched.
    unsafe { libc::syscall(libc::SYS_close_range, first, last, 0) == 0 }
}

/// The descriptors open now, from `/dev/fd` (or the first 1024 where it cannot be read).
fn open_descriptors() -> Vec<RawFd> {
    std::fs::read_dir("/dev/fd")
        .map(|dir| {
            dir.filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
                .collect()
        })
        .unwrap_or_else(|_| (0..1024).collect())
}

/// A pipe whose ends are closed on exec, so processes started later do not hold them.
pub fn pipe() -> io::Result<(OwnedFd, OwnedFd)> {
    let mut fds = [0 as libc::c_int; 2];
    // SAFETY: `fds` has room for the two descriptors `pipe` writes.
    if unsafe { libc::pipe(fds.as_mut_ptr()) } != 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: `pipe` succeeded, so both are fresh descriptors owned by nobody else.
    let ends = unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) };
    for fd in [&ends.0, &ends.1] {
        // SAFETY: a valid descriptor we own.
        if unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_SETFD, libc::FD_CLOEXEC) } != 0 {
            return Err(io::Error::last_os_error());
        }
    }
    Ok(ends)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_echo_child_echoes_and_is_gone_after_stop() {
        let mut child = EchoChild::start().unwrap();
        let pid = child.pid();
        for byte in [0u8, 1, 200, 255] {
            assert_eq!(child.round_trip(byte).unwrap(), byte);
        }
        child.stop().unwrap();
        assert!(
            process_is_gone(pid),
            "the echo process {pid} is still there"
        );
    }

    #[test]
    fn a_dropped_child_is_reaped() {
        let child = EchoChild::start().unwrap();
        let pid = child.pid();
        drop(child);
        assert!(
            process_is_gone(pid),
            "the echo process {pid} is still there"
        );
    }

    #[test]
    fn a_failing_child_is_an_error_naming_it() {
        let child = ForkedChild::start(|_, _, _| 3).unwrap();
        let pid = child.pid();
        let err = child.stop().unwrap_err().to_string();
        assert!(
            err.contains(&pid.to_string()) && err.contains("0x300"),
            "{err}"
        );
    }
}
