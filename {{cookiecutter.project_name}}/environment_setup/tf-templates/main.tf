# The workshop's Azure resources, the Terraform way (same names as the ARM option would give).
# The pipeline iac-create-environment-pipeline-tf.yml creates the resource group and the state
# storage account, then passes the variables below as TF_VAR_*.
terraform {
  required_version = ">= 1.9.0"

  required_providers {
    azurerm = {
      source  = "hashicorp/azurerm"
      version = "~> 4.57"
    }
    random = {
      source  = "hashicorp/random"
      version = "~> 3.7"
    }
  }

  # Filled in by `terraform init -backend-config=...` in the pipeline.
  backend "azurerm" {}
}

provider "azurerm" {
  features {}
  # The pipeline's identity is a Contributor on one resource group and may not register
  # resource providers at subscription scope: the set-up script registers the ones this
  # configuration needs (resource_providers in its JSON file), once, as you.
  resource_provider_registrations = "none"
}

data "azurerm_client_config" "current" {}

data "azurerm_resource_group" "aml" {
  name = var.RESOURCE_GROUP
}

locals {
  # Storage account and registry names only allow lowercase letters and digits.
  base_name_lower = lower(var.BASE_NAME)
  location        = data.azurerm_resource_group.aml.location
}

resource "azurerm_storage_account" "aml" {
  name                            = "${local.base_name_lower}amlsa"
  resource_group_name             = data.azurerm_resource_group.aml.name
  location                        = local.location
  account_tier                    = "Standard"
  account_replication_type        = "LRS"
  min_tls_version                 = "TLS1_2"
  allow_nested_items_to_be_public = false
}

resource "azurerm_key_vault" "aml" {
  name                = "${var.BASE_NAME}-AML-KV"
  resource_group_name = data.azurerm_resource_group.aml.name
  location            = local.location
  tenant_id           = data.azurerm_client_config.current.tenant_id
  sku_name            = "standard"
}

resource "azurerm_log_analytics_workspace" "aml" {
  name                = "${var.BASE_NAME}-AML-LA"
  resource_group_name = data.azurerm_resource_group.aml.name
  location            = local.location
  sku                 = "PerGB2018"
  retention_in_days   = 30
}

resource "azurerm_application_insights" "aml" {
  name                = "${var.BASE_NAME}-AML-AI"
  resource_group_name = data.azurerm_resource_group.aml.name
  location            = local.location
  workspace_id        = azurerm_log_analytics_workspace.aml.id
  application_type    = "web"
}

resource "azurerm_container_registry" "aml" {
  name                = "${local.base_name_lower}amlcr"
  resource_group_name = data.azurerm_resource_group.aml.name
  location            = local.location
  sku                 = "Standard"
  admin_enabled       = true
}

resource "azurerm_machine_learning_workspace" "aml" {
  name                    = var.WORKSPACE_NAME
  resource_group_name     = data.azurerm_resource_group.aml.name
  location                = local.location
  application_insights_id = azurerm_application_insights.aml.id
  key_vault_id            = azurerm_key_vault.aml.id
  storage_account_id      = azurerm_storage_account.aml.id
  container_registry_id   = azurerm_container_registry.aml.id

  identity {
    type = "SystemAssigned"
  }
}

# The AKS inference cluster (deploy_aks): one node of the smallest size Azure ML inference
# accepts (2 vCPUs), attached to the workspace for dev/test use as AKS_COMPUTE_NAME.
resource "azurerm_kubernetes_cluster" "inference" {
  count               = var.DEPLOY_AKS ? 1 : 0
  name                = "${var.BASE_NAME}-AML-AKS"
  resource_group_name = data.azurerm_resource_group.aml.name
  location            = local.location
  dns_prefix          = "${local.base_name_lower}-aml-aks"

  default_node_pool {
    name       = "system"
    node_count = 1
    vm_size    = var.AKS_VM_SIZE
  }

  identity {
    type = "SystemAssigned"
  }
}

resource "azurerm_machine_learning_inference_cluster" "aks" {
  count                         = var.DEPLOY_AKS ? 1 : 0
  name                          = var.AKS_COMPUTE_NAME
  location                      = local.location
  machine_learning_workspace_id = azurerm_machine_learning_workspace.aml.id
  kubernetes_cluster_id         = azurerm_kubernetes_cluster.inference[0].id
  cluster_purpose               = "DevTest"
}

# The Web App (deploy_webapp): a Linux plan and a container app that pulls from the workspace's
# registry with its admin credentials. It has no image to run until the CD pipeline deploys
# the scoring image to it; later applies leave the image the CD set alone. App Service has no key
# of its own: the scoring script demands SCORING_KEY, made once and kept in the state.
resource "azurerm_service_plan" "webapp" {
  count               = var.DEPLOY_WEBAPP ? 1 : 0
  name                = "${var.BASE_NAME}-AML-ASP"
  resource_group_name = data.azurerm_resource_group.aml.name
  location            = local.location
  os_type             = "Linux"
  sku_name            = "{{ cookiecutter.__app_service_plan_sku }}"
}

resource "random_password" "scoring_key" {
  count   = var.DEPLOY_WEBAPP ? 1 : 0
  length  = 43
  special = false
}

resource "azurerm_linux_web_app" "scoring" {
  count               = var.DEPLOY_WEBAPP ? 1 : 0
  name                = "${var.BASE_NAME}-webapp"
  resource_group_name = data.azurerm_resource_group.aml.name
  location            = local.location
  service_plan_id     = azurerm_service_plan.webapp[0].id
  https_only          = true

  site_config {
    application_stack {
      docker_image_name        = "appsvc/staticsite:latest"
      docker_registry_url      = "https://${azurerm_container_registry.aml.login_server}"
      docker_registry_username = azurerm_container_registry.aml.admin_username
      docker_registry_password = azurerm_container_registry.aml.admin_password
    }
  }

  app_settings = {
    # The Azure ML scoring image listens on 5001.
    WEBSITES_PORT = "5001"
    # How long App Service waits for the container to start: 230 s by default, 1800 at most;
    # the first pull of a multi-GB scoring image on B1 takes minutes.
    WEBSITES_CONTAINER_START_TIME_LIMIT = "1800"
    SCORING_KEY                         = random_password.scoring_key[0].result
  }

  lifecycle {
    ignore_changes = [site_config[0].application_stack[0].docker_image_name]
  }
}
