//! Tests of the frame encoding: round trips, bounds, and arbitrary bytes.

use proptest::collection::vec;
use proptest::prelude::*;

use super::*;

fn frame_of_to(msg: &ToWorker<'_>) -> Vec<u8> {
    let mut out = Vec::new();
    msg.write_to(&mut out).expect("encodes");
    out
}

fn frame_of_from(msg: &FromWorker) -> Vec<u8> {
    let mut out = Vec::new();
    msg.write_to(&mut out).expect("encodes");
    out
}

fn fault() -> impl Strategy<Value = Option<Fault>> {
    let kind = prop_oneof![
        Just(FaultKind::Exit),
        Just(FaultKind::Abort),
        Just(FaultKind::Hang),
        Just(FaultKind::Garbage),
    ];
    proptest::option::of((any::<usize>(), kind).prop_map(|(task, kind)| Fault { task, kind }))
}

fn spec() -> impl Strategy<Value = WorkloadSpec> {
    (
        "[a-z-]{0,12}",
        proptest::collection::btree_map("\\PC{0,6}", any::<u64>(), 0..4),
    )
        .prop_map(|(name, params)| WorkloadSpec { name, params })
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in vec(any::<u8>(), 0..300)) {
        let _ = ToWorker::decode(&bytes);
        let _ = FromWorker::decode(&bytes);
        let _ = split_frame(&bytes);
        let mut buf = Vec::new();
        let _ = read_frame(&mut &bytes[..], &mut buf);
    }

    #[test]
    fn bodies_with_known_kinds_never_panic(
        kind in prop::sample::select(vec![HELLO, TASK, CHUNK, SHUTDOWN, READY, DONE, USAGE, FAILED, FINISHED, PANICKED]),
        rest in vec(any::<u8>(), 0..64),
    ) {
        let mut body = vec![kind];
        body.extend_from_slice(&rest);
        let _ = ToWorker::decode(&body);
        let _ = FromWorker::decode(&body);
    }

    #[test]
    fn to_worker_round_trips(
        version in any::<u32>(),
        spec in spec(),
        fault in fault(),
        index in any::<usize>(),
        input in proptest::option::of(vec(any::<u8>(), 0..200)),
        count in 1..=MAX_CHUNK_TASKS,
    ) {
        let first = index / 2;
        let msgs = [
            ToWorker::Hello(Hello { version, spec, fault }),
            ToWorker::Task { index, input: input.as_deref() },
            ToWorker::Chunk { first, count },
            ToWorker::Collect,
            ToWorker::Shutdown,
        ];
        for msg in &msgs {
            let frame = frame_of_to(msg);
            let mut reader = &frame[..];
            let mut body = Vec::new();
            prop_assert!(read_frame(&mut reader, &mut body).expect("reads"));
            prop_assert!(reader.is_empty());
            prop_assert_eq!(&ToWorker::decode(&body).expect("decodes"), msg);
            let (split, used) = split_frame(&frame).expect("splits").expect("complete");
            prop_assert_eq!(split, &body[..]);
            prop_assert_eq!(used, frame.len());
        }
    }

    #[test]
    fn from_worker_round_trips(
        a in any::<u32>(),
        b in any::<u64>(),
        c in any::<u64>(),
        index in any::<usize>(),
        user in any::<f64>(),
        message in "\\PC{0,40}",
    ) {
        let usage = WorkerUsage { pid: a, peak_rss_bytes: b, user_cpu_s: user, sys_cpu_s: f64::from_bits(c) };
        let msgs = [
            FromWorker::Ready { version: a, pid: a.rotate_left(7) },
            FromWorker::Done { index, checksum: c },
            FromWorker::Usage(usage),
            FromWorker::Failed(message.clone()),
            FromWorker::Panicked { index, message: message.clone() },
            FromWorker::Shard(message.into_bytes()),
            FromWorker::Shard(Vec::new()),
            FromWorker::Finished { busy_ns: b },
        ];
        for msg in &msgs {
            let frame = frame_of_from(msg);
            let (body, used) = split_frame(&frame).expect("splits").expect("complete");
            prop_assert_eq!(used, frame.len());
            let back = FromWorker::decode(body).expect("decodes");
            // Compare re-encoded bytes: f64 NaN payloads are not `==` to themselves.
            prop_assert_eq!(frame_of_from(&back), frame.clone());
        }
    }

    #[test]
    fn every_strict_prefix_is_truncated(index in any::<usize>(), input in vec(any::<u8>(), 0..40)) {
        let frame = frame_of_to(&ToWorker::Task { index, input: Some(&input) });
        for cut in 1..frame.len() {
            let mut buf = Vec::new();
            let got = read_frame(&mut &frame[..cut], &mut buf);
            prop_assert!(matches!(got, Err(ProtocolError::Truncated)), "cut {}: {:?}", cut, got);
            prop_assert!(split_frame(&frame[..cut]).expect("valid prefix").is_none());
        }
    }
}

#[test]
fn over_bound_length_is_rejected_before_allocating() {
    let header = (MAX_FRAME_BYTES as u32 + 1).to_le_bytes();
    let mut buf = Vec::new();
    let got = read_frame(&mut &header[..], &mut buf);
    assert!(matches!(got, Err(ProtocolError::TooLarge(_))), "{got:?}");
    assert_eq!(buf.capacity(), 0);
    assert!(matches!(
        split_frame(&u32::MAX.to_le_bytes()),
        Err(ProtocolError::TooLarge(_))
    ));
    let big = vec![0u8; MAX_INPUT_BYTES + 1];
    assert!(task_header(0, Some(&big)).is_err());
}

#[test]
fn clean_end_empty_frames_and_unknown_kinds() {
    let mut buf = Vec::new();
    assert!(!read_frame(&mut &[][..], &mut buf).expect("clean end"));
    assert!(matches!(
        read_frame(&mut &[0, 0, 0, 0][..], &mut buf),
        Err(ProtocolError::Empty)
    ));
    assert!(matches!(
        ToWorker::decode(&[0x7f]),
        Err(ProtocolError::UnknownKind(0x7f))
    ));
    assert!(matches!(
        FromWorker::decode(&[HELLO]),
        Err(ProtocolError::UnknownKind(HELLO))
    ));
    assert!(matches!(
        FromWorker::decode(&[DONE, 1, 2]),
        Err(ProtocolError::Malformed(_))
    ));
    assert!(matches!(
        ToWorker::decode(&[SHUTDOWN, 0]),
        Err(ProtocolError::Malformed(_))
    ));
    assert!(matches!(
        ToWorker::decode(&[TASK, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9]),
        Err(ProtocolError::Malformed(_))
    ));
    assert!(matches!(
        FromWorker::decode(&[FAILED, 0xff]),
        Err(ProtocolError::Malformed(_))
    ));
}

#[test]
fn task_header_matches_the_encoded_frame() {
    let input = [7u8; 5];
    let frame = frame_of_to(&ToWorker::Task {
        index: 42,
        input: Some(&input),
    });
    assert_eq!(
        &frame[..TASK_HEADER_LEN],
        &task_header(42, Some(&input)).expect("fits")
    );
    assert_eq!(&frame[TASK_HEADER_LEN..], &input);
}

#[test]
fn chunk_frames_hold_one_to_max_tasks_and_match_their_encoding() {
    let frame = frame_of_to(&ToWorker::Chunk {
        first: 40,
        count: 125,
    });
    assert_eq!(frame.len(), CHUNK_FRAME_LEN);
    assert_eq!(&frame[..], &chunk_frame(40, 125).expect("fits"));
    assert!(chunk_frame(0, 0).is_err());
    assert!(chunk_frame(0, MAX_CHUNK_TASKS + 1).is_err());
    let body = |first: u64, count: u32| {
        let mut b = vec![CHUNK];
        b.extend_from_slice(&first.to_le_bytes());
        b.extend_from_slice(&count.to_le_bytes());
        b
    };
    for bad in [
        body(0, 0),
        body(0, MAX_CHUNK_TASKS as u32 + 1),
        body(u64::MAX, 2),
    ] {
        assert!(
            matches!(ToWorker::decode(&bad), Err(ProtocolError::Malformed(_))),
            "{bad:?}"
        );
    }
    let done = frame_of_from(&FromWorker::Done {
        index: 1,
        checksum: 2,
    });
    assert_eq!(done.len(), DONE_FRAME_LEN);
}
