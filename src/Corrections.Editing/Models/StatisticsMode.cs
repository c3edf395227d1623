namespace Corrections.Editing.Models;

/// <summary>
/// Which statistics BatchNorm normalises with. The paper's choice: the base (task) forward uses the minibatch's
/// statistics and updates the running ones; the editor's and the control forwards use the running statistics, so an
/// edit of one input does not depend on what else is in its batch.
/// </summary>
public enum StatisticsMode
{
    Batch,
    Running,
}
