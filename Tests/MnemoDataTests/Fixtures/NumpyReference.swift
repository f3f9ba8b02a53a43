import Foundation

/// `.npy` and `.npz` files written by NumPy 2.4 itself, so that the reader is checked against the
/// real format and not only against its own encoder. Made with:
///
/// ```python
/// f4 = np.array([[0.5, -1.25, 3.0], [2.0, 0.0, -0.125]], dtype='<f4')
/// np.save(f, f4); np.save(f, f4.astype('<f8'))
/// np.save(f, np.array([[0, 1, 255], [7, 8, 9]], dtype='u1'))
/// np.save(f, np.array([3, 0, 2], dtype='<i8')); np.save(f, np.array([[1], [2]], dtype='<i4'))
/// np.save(f, np.array([[True, False], [False, True]]))
/// np.savez_compressed(f, features=np.array([[1, 0, 1, 1], [0, 0, 1, 0], [1, 1, 1, 1]], dtype='u1'),
///                     labels=np.eye(5, dtype='<f8')[[4, 0, 2]])
/// ```
enum NumpyReference {
    static let float32 = decode(
        "k05VTVBZAQB2AHsnZGVzY3InOiAnPGY0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDMpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAA/AACgvwAAQEAAAABAAAAAAAAAAL4=")
    static let float64 = decode(
        "k05VTVBZAQB2AHsnZGVzY3InOiAnPGY4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDMpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAADgPwAAAAAAAPS/AAAAAAAACEAAAAAAAAAAQAAAAAAAAAAAAAAAAAAAwL8=")
    static let uint8 = decode(
        "k05VTVBZAQB2AHsnZGVzY3InOiAnfHUxJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDMpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAf8HCAk=")
    static let int64 = decode(
        "k05VTVBZAQB2AHsnZGVzY3InOiAnPGk4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDMsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoDAAAAAAAAAAAAAAAAAAAAAgAAAAAAAAA=")
    static let int32 = decode(
        "k05VTVBZAQB2AHsnZGVzY3InOiAnPGk0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDEpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoBAAAAAgAAAA==")
    static let bool = decode(
        "k05VTVBZAQB2AHsnZGVzY3InOiAnfGIxJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDIpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoBAAAB")
    /// A compressed archive (ZIP64 headers, as NumPy writes them) with `features` (3 × 4, `|u1`)
    /// and one-hot `labels` (3 × 5, `<f8`) of classes 4, 0, 2.
    static let archive = decode(
        "UEsDBC0AAAAIAAAAIQAAltzM//////////8MABQAZmVhdHVyZXMubnB5AQAQAIwAAAAAAAAAUAAAAAAAAACb7BfqGxDJyFDGUK2eklqcXKRupaBeU2qorqOgnpZfVFKUmBefX5SSChJ3S8wpTgWKF2ckFqQC+RrGOgommjoKtQpkAy5GBkZGBgYQycgIAFBLAwQtAAAACAAAACEAoK2EE///////////CgAUAGxhYmVscy5ucHkBABAA+AAAAAAAAABRAAAAAAAAAJvsF+obEMnIUMZQrZ6SWpxcpG6loG6TZqGuo6Cell9UUpSYF59flJIKEndLzClOBYoXZyQWpAL5GsY6CqaaOgq1CmQDLgaiwAd7VJpUgKkPAFBLAQItAy0AAAAIAAAAIQAAltzMUAAAAIwAAAAMAAAAAAAAAAAAAACAAQAAAABmZWF0dXJlcy5ucHlQSwECLQMtAAAACAAAACEAoK2EE1EAAAD4AAAACgAAAAAAAAAAAAAAgAGOAAAAbGFiZWxzLm5weVBLBQYAAAAAAgACAHIAAAAbAQAAAAA=")

    private static func decode(_ base64: String) -> Data {
        Data(base64Encoded: base64)!
    }
}
