namespace Corrections.Editing.Data;

/// <summary>
/// A data file or in-memory dataset is not what it claims to be (wrong magic number, truncated, inconsistent shapes,
/// labels out of range, undecodable image). The message names the file and says what is wrong, because these errors
/// are read by an operator who has to fix or re-download the data, not by code.
/// </summary>
public sealed class DataFormatException : Exception
{
    public DataFormatException()
    {
    }

    public DataFormatException(string message)
        : base(message)
    {
    }

    public DataFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
