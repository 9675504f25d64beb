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
