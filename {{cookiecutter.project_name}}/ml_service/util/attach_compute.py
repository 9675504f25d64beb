"""Find the training cluster, or create it with the sizes in the pipeline variables."""
from azureml.core.compute import AmlCompute, ComputeTarget

# Idle nodes cost money; five minutes keeps a cluster warm between the steps of one run.
IDLE_SECONDS_BEFORE_SCALEDOWN = 300


def provisioning_settings(env):
    """Keyword arguments of ``AmlCompute.provisioning_configuration`` for ``env``."""
    if env.min_nodes > env.max_nodes:
        raise ValueError(f"AML_CLUSTER_MIN_NODES={env.min_nodes} is above "
                         f"AML_CLUSTER_MAX_NODES={env.max_nodes}")
    return {
        "vm_size": env.vm_size,
        "vm_priority": env.vm_priority,
        "min_nodes": env.min_nodes,
        "max_nodes": env.max_nodes,
        "idle_seconds_before_scaledown": IDLE_SECONDS_BEFORE_SCALEDOWN,
    }


def get_compute(workspace, env):
    """The cluster ``env.compute_name``: the existing one, or a new one once provisioned."""
    if env.compute_name in workspace.compute_targets:
        compute = workspace.compute_targets[env.compute_name]
        if isinstance(compute, AmlCompute):
            print(f"Using the compute cluster {env.compute_name}")
            return compute
        raise SystemExit(f"ERROR: compute target {env.compute_name} exists but is a "
                         f"{compute.type}, not an Azure ML compute cluster")
    config = AmlCompute.provisioning_configuration(**provisioning_settings(env))
    compute = ComputeTarget.create(workspace, env.compute_name, config)
    compute.wait_for_completion(show_output=True, timeout_in_minutes=10)
    return compute
