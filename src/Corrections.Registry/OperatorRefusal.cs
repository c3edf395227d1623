namespace Corrections.Registry;

/// <summary>Why an operator's login was not accepted.</summary>
public enum OperatorRefusal
{
    /// <summary>The login and password do not open a connection.</summary>
    WrongLogin,

    /// <summary>They do, but the login lacks the <c>corrections_operator</c> role.</summary>
    NotOperator,
}
