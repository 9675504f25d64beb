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
  }

  # Filled in by `terraform init -backend-config=...` in the pipeline.
  backend "azurerm" {}
}

provider "azurerm" {
  features {}
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
