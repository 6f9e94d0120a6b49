/**
 * Renders the demo tenant's identity side as Microsoft Graph v1.0 puts it on the wire:
 * `conditionalAccessPolicy`, `unifiedRoleAssignment`, `unifiedRoleEligibilityScheduleInstance`
 * and `unifiedRoleAssignmentScheduleInstance`, with the `principal` expanded on request.
 * Never ppmat's normalized evidence.
 */
import type { SimActiveInstance, SimConditionalAccessPolicy, SimRoleHolder, SimUser } from './identity-model.js';

/** A Conditional Access policy (Graph v1.0 shape, unset blocks `null` like the real API). */
export function conditionalAccessPolicyPayload(policy: SimConditionalAccessPolicy): Record<string, unknown> {
  return {
    id: policy.id,
    templateId: null,
    displayName: policy.displayName,
    createdDateTime: policy.createdDateTime,
    modifiedDateTime: null,
    state: policy.state,
    sessionControls: policy.cloudAppSecurityType
      ? {
          disableResilienceDefaults: null,
          applicationEnforcedRestrictions: null,
          cloudAppSecurity: { cloudAppSecurityType: policy.cloudAppSecurityType, isEnabled: true },
          persistentBrowser: null,
          signInFrequency: null,
        }
      : null,
    conditions: {
      userRiskLevels: [],
      signInRiskLevels: [],
      clientAppTypes: policy.clientAppTypes,
      platforms: null,
      locations: null,
      times: null,
      deviceStates: null,
      devices: null,
      clientApplications: null,
      applications: {
        includeApplications: policy.includeApplications,
        excludeApplications: [],
        includeUserActions: [],
        includeAuthenticationContextClassReferences: [],
        applicationFilter: null,
      },
      users: {
        includeUsers: policy.includeUsers,
        excludeUsers: [],
        includeGroups: [],
        excludeGroups: [],
        includeRoles: policy.includeRoles,
        excludeRoles: [],
        includeGuestsOrExternalUsers: null,
        excludeGuestsOrExternalUsers: null,
      },
    },
    grantControls: policy.grant
      ? {
          operator: policy.grant.operator,
          builtInControls: policy.grant.builtInControls,
          customAuthenticationFactors: [],
          termsOfUse: [],
          authenticationStrength: policy.grant.authenticationStrength
            ? {
                id: policy.grant.authenticationStrength.id,
                createdDateTime: '2021-12-01T00:00:00Z',
                modifiedDateTime: '2021-12-01T00:00:00Z',
                displayName: policy.grant.authenticationStrength.displayName,
                description: 'Phishing-resistant, Passwordless methods for the strongest authentication, such as a FIDO2 security key',
                policyType: 'builtIn',
                requirementsSatisfied: 'mfa',
                allowedCombinations: ['windowsHelloForBusiness', 'fido2', 'x509CertificateMultiFactor'],
              }
            : null,
        }
      : null,
  };
}

/** The expanded `principal`: a `#microsoft.graph.user` with its default properties. */
export function userPrincipalPayload(user: SimUser): Record<string, unknown> {
  const [givenName = null, ...rest] = user.displayName.split(' ');
  return {
    '@odata.type': '#microsoft.graph.user',
    id: user.id,
    businessPhones: [],
    displayName: user.displayName,
    givenName,
    jobTitle: null,
    mail: user.userPrincipalName,
    mobilePhone: null,
    officeLocation: null,
    preferredLanguage: null,
    surname: rest.length > 0 ? rest.join(' ') : null,
    userPrincipalName: user.userPrincipalName,
  };
}

function withPrincipal(body: Record<string, unknown>, user: SimUser, expand: boolean): Record<string, unknown> {
  return expand ? { ...body, principal: userPrincipalPayload(user) } : body;
}

/** One `unifiedRoleAssignment`. */
export function roleAssignmentPayload(holder: SimRoleHolder, expand: boolean): Record<string, unknown> {
  return withPrincipal({ id: holder.id, principalId: holder.user.id, roleDefinitionId: holder.roleTemplateId, directoryScopeId: '/' }, holder.user, expand);
}

/** One `unifiedRoleEligibilityScheduleInstance`. */
export function eligibilityInstancePayload(holder: SimRoleHolder, expand: boolean): Record<string, unknown> {
  return withPrincipal(
    {
      id: holder.id,
      principalId: holder.user.id,
      roleDefinitionId: holder.roleTemplateId,
      directoryScopeId: '/',
      appScopeId: null,
      startDateTime: holder.startDateTime,
      endDateTime: holder.endDateTime,
      memberType: 'Direct',
      roleEligibilityScheduleId: holder.id,
    },
    holder.user,
    expand,
  );
}

/** One `unifiedRoleAssignmentScheduleInstance`. */
export function assignmentInstancePayload(instance: SimActiveInstance, expand: boolean): Record<string, unknown> {
  return withPrincipal(
    {
      id: instance.id,
      principalId: instance.user.id,
      roleDefinitionId: instance.roleTemplateId,
      directoryScopeId: '/',
      appScopeId: null,
      startDateTime: instance.startDateTime,
      endDateTime: instance.endDateTime,
      assignmentType: instance.assignmentType,
      memberType: 'Direct',
      roleAssignmentOriginId: instance.id,
      roleAssignmentScheduleId: instance.id,
    },
    instance.user,
    expand,
  );
}
