#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The BLAS library's own thread count (OpenBLAS only; other BLAS builds report nil and ignore `set`).
///
/// OpenBLAS's setters are not in every `cblas.h`, so they are looked up at run time in the already-loaded
/// libblas.
public enum BLASThreads {
    private typealias SetThreads = @convention(c) (Int32) -> Void
    private typealias GetThreads = @convention(c) () -> Int32

    // Looked up once; the pointers never change.
    private static let setter: SetThreads? = symbol("openblas_set_num_threads").map {
        unsafeBitCast($0, to: SetThreads.self)
    }
    private static let getter: GetThreads? = symbol("openblas_get_num_threads").map {
        unsafeBitCast($0, to: GetThreads.self)
    }

    private static func symbol(_ name: String) -> UnsafeMutableRawPointer? {
        guard let handle = dlopen(nil, RTLD_NOW) else { return nil }
        return dlsym(handle, name)
    }

    /// Sets the number of threads OpenBLAS uses for one call (it splits large products; small ones stay on the
    /// caller's thread). Process-wide: call it once at start-up, not around individual calls.
    /// - Returns: false when the loaded BLAS is not OpenBLAS.
    @discardableResult
    public static func set(_ n: Int) -> Bool {
        guard let setter else { return false }
        setter(Int32(clamping: max(1, n)))
        return true
    }

    /// The current OpenBLAS thread count, or nil when the loaded BLAS is not OpenBLAS.
    public static var current: Int? {
        getter.map { Int($0()) }
    }
}
