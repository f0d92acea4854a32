#!/bin/sh
# azd preprovision hook: decide INNING_SECRETS_CREATED from the Key Vault itself.
#
# infra/app/keyvault.bicep writes the first secrets only while secretsCreated is false. The
# azd environment remembers the flag, but an environment can be lost or recreated on another
# machine; then a provision would generate a new pepper and every API key would stop working.
# So before every provision this asks the vault: if the pepper is there, the flag is true.
# When the vault exists but cannot be asked (no az CLI, no permission), provisioning stops:
# failing closed is the point.
#
# It also checks that every provider secret named in INNING_PROVIDER_SECRETS exists in the
# vault under its name (lower case, dashes): a typo would leave that channel unconfigured in
# production (the channel-unconfigured alert), so it stops the provision instead.
#
# After `azd down` the vault stays soft-deleted for 90 days (purge protection) under its
# deterministic name, and a new provision of the same environment could not create it. The
# hook finds it (by its azd-env-name tag) and has the template recover it, old secrets and all
# (so INNING_SECRETS_CREATED is true: nothing is generated again).
set -eu

rg="rg-inning-${AZURE_ENV_NAME}"
if command -v az >/dev/null 2>&1; then
  deleted="$(az keyvault list-deleted --resource-type vault --query "[?properties.tags.\"azd-env-name\"=='${AZURE_ENV_NAME}'].name | [0]" --output tsv 2>/dev/null || true)"
  if [ -n "$deleted" ] && ! az keyvault show --name "$deleted" --query id --output tsv >/dev/null 2>&1; then
    echo "secrets-guard: $deleted is soft-deleted; the provision recovers it with its secrets"
    azd env set INNING_VAULT_RECOVER true
    azd env set INNING_SECRETS_CREATED true
  else
    azd env set INNING_VAULT_RECOVER false
  fi
fi
names="$(azd env get-value INNING_PROVIDER_SECRETS 2>/dev/null || true)"
if [ -n "$names" ] && command -v az >/dev/null 2>&1 && [ "$(az group exists --name "$rg")" = "true" ]; then
  vault="$(az keyvault list --resource-group "$rg" --query '[0].name' --output tsv)"
  if [ -n "$vault" ]; then
    missing=""
    for name in $(echo "$names" | tr ',' ' '); do
      secret="$(echo "$name" | tr 'A-Z_' 'a-z-')"
      if ! az keyvault secret show --vault-name "$vault" --name "$secret" --query id --output tsv >/dev/null 2>&1; then
        missing="$missing $secret"
      fi
    done
    if [ -n "$missing" ]; then
      echo "secrets-guard: INNING_PROVIDER_SECRETS names secrets $vault does not hold (or you may not read):$missing" >&2
      echo "Create them (docs/operations.md, 'Provider credentials') or fix the names, then provision again." >&2
      exit 1
    fi
  fi
fi

if [ "$(azd env get-value INNING_SECRETS_CREATED 2>/dev/null || true)" = "true" ]; then
  exit 0
fi
if ! command -v az >/dev/null 2>&1; then
  echo "secrets-guard: the az CLI is needed to check the Key Vault before the first provision" >&2
  exit 1
fi
if [ "$(az group exists --name "$rg")" != "true" ]; then
  exit 0  # first provision: nothing to protect yet
fi
vault="$(az keyvault list --resource-group "$rg" --query '[0].name' --output tsv)"
if [ -z "$vault" ]; then
  exit 0
fi
if az keyvault secret show --vault-name "$vault" --name inning-api-key-pepper --query id --output tsv >/dev/null 2>&1; then
  azd env set INNING_SECRETS_CREATED true
  echo "secrets-guard: $vault already holds the secrets; the template will not touch them"
  exit 0
fi
# the vault exists; is the pepper really absent, or are we not allowed to see it?
if az keyvault secret list --vault-name "$vault" --query '[].name' --output tsv >/dev/null 2>&1; then
  exit 0  # we can list and it is not there: creating it is right
fi
echo "secrets-guard: cannot read $vault; refusing to provision (it could overwrite live secrets)." >&2
echo "Grant yourself Key Vault Secrets Officer on it, or set INNING_SECRETS_CREATED=true if you know they exist." >&2
exit 1
