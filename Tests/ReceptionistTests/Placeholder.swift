import Testing
@testable import Receptionist
