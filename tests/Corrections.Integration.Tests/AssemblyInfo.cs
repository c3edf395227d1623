// The fault suite restarts the shared broker; no other test may be mid-flight when it does.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
