/// A clip's file and its error come from LoaSoundFile: `ClipFile` reads an `AudioFile` (or FFmpeg) and throws
/// `ClipError`, so whoever encodes clips sees both without importing the module that reads them.
@_exported import LoaSoundFile
