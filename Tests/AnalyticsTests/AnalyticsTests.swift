// Tests arrive with the Analytics issue; the target exists so `make test` builds the module.
import Testing
@testable import Analytics
