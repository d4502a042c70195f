/// A clip's file and its error come from LoaSoundFile: `ClipEncoder` reads an `AudioFile` and throws
/// `ClipError`, so whoever encodes clips sees both without importing the module that reads them.
@_exported import LoaSoundFile
