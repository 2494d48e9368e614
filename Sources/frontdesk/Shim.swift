enum BLASThreadsShim { static func set(_ n: Int) -> Bool { false } }
