variable "BASE_NAME" {
  description = "Prefix of every resource name: 3 to 10 lowercase letters and digits."
  type        = string
  default     = "{{ cookiecutter.base_name }}"

  validation {
    condition     = length(var.BASE_NAME) >= 3 && length(var.BASE_NAME) <= 10 && can(regex("^[a-z][a-z0-9]*$", var.BASE_NAME))
    error_message = "BASE_NAME must be 3 to 10 lowercase letters and digits, starting with a letter."
  }
}

variable "RESOURCE_GROUP" {
  description = "Resource group of every resource (created by the pipeline with the state store)."
  type        = string
  default     = "{{ cookiecutter.resource_group }}"
}

variable "WORKSPACE_NAME" {
  description = "Name of the Azure Machine Learning workspace."
  type        = string
  default     = "{{ cookiecutter.workspace_name }}"
}

variable "DEPLOY_AKS" {
  description = "Create the AKS inference cluster and attach it to the workspace."
  type        = bool
  default     = {{ cookiecutter.deploy_aks | lower }}
}

variable "AKS_COMPUTE_NAME" {
  description = "Name of the inference cluster in the workspace (AKS_COMPUTE_NAME)."
  type        = string
  default     = "{{ cookiecutter.__aks_compute_name }}"
}

variable "AKS_VM_SIZE" {
  description = "Node size of the one-node DevTest inference cluster (2 vCPUs)."
  type        = string
  default     = "{{ cookiecutter.__aks_vm_size }}"
}

variable "DEPLOY_WEBAPP" {
  description = "Create the Linux App Service plan and the Web App that serves the scoring image."
  type        = bool
  default     = {{ cookiecutter.deploy_webapp | lower }}
}
