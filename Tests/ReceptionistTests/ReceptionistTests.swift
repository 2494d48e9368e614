// Tests arrive with the Receptionist issue; the target exists so `make test` builds the module.
import Testing
@testable import Receptionist
