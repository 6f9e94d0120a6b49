/**
 * Renders the demo tenant's identity side as Microsoft Graph v1.0 puts it on the wire:
 * `conditionalAccessPolicy`, `unifiedRoleAssignment`, `unifiedRoleEligibilityScheduleInstance`
 * and `unifiedRoleAssignmentScheduleInstance`, with the `principal` expanded on request;
 * `organization`, `accessReviewScheduleDefinition`, `accessPackage`, and the `user` a
 * directory object lookup answers. Never ppmat's normalized evidence.
 */
import type { SimAccessPackage, SimAccessReviewDefinition, SimActiveInstance, SimConditionalAccessPolicy, SimOrganization, SimRoleHolder, SimUser } from './identity-model.js';
import type { SimMaker } from './makers.js';

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

/** The tenant's `organization` (its id is the tenant id), with Graph's default properties. */
export function organizationPayload(tenantId: string, organization: SimOrganization): Record<string, unknown> {
  return {
    id: tenantId,
    deletedDateTime: null,
    businessPhones: [],
    city: null,
    country: null,
    countryLetterCode: organization.countryLetterCode,
    createdDateTime: organization.createdDateTime,
    displayName: organization.displayName,
    onPremisesSyncEnabled: null,
    postalCode: null,
    preferredLanguage: 'en',
    state: null,
    street: null,
    tenantType: 'AAD',
    technicalNotificationMails: [`admin@${organization.domains.find((d) => d.isDefault)?.name ?? 'contoso.com'}`],
    assignedPlans: [],
    provisionedPlans: [],
    verifiedDomains: organization.domains.map((d) => ({ capabilities: 'Email, OfficeCommunicationsOnline', isDefault: d.isDefault, isInitial: d.isInitial, name: d.name, type: 'Managed' })),
  };
}

/** One `accessReviewScheduleDefinition` with an `accessReviewQueryScope` (Graph tutorial shape). */
export function accessReviewDefinitionPayload(definition: SimAccessReviewDefinition): Record<string, unknown> {
  const queryScope = (query: string) => ({ '@odata.type': '#microsoft.graph.accessReviewQueryScope', query, queryType: 'MicrosoftGraph', queryRoot: null });
  return {
    id: definition.id,
    displayName: definition.displayName,
    createdDateTime: definition.createdDateTime,
    lastModifiedDateTime: definition.createdDateTime,
    status: definition.status,
    descriptionForAdmins: definition.displayName,
    descriptionForReviewers: 'Confirm that each person still needs this role.',
    createdBy: null,
    scope: queryScope(definition.scopeQuery),
    instanceEnumerationScope: null,
    reviewers: [{ query: './manager', queryType: 'MicrosoftGraph', queryRoot: 'decisions' }],
    fallbackReviewers: [],
    settings: {
      mailNotificationsEnabled: true,
      reminderNotificationsEnabled: true,
      justificationRequiredOnApproval: true,
      defaultDecisionEnabled: false,
      defaultDecision: 'None',
      instanceDurationInDays: 14,
      autoApplyDecisionsEnabled: true,
      recommendationsEnabled: true,
      recurrence: {
        pattern: definition.recurrence
          ? { type: definition.recurrence.type, interval: definition.recurrence.interval, month: 0, dayOfMonth: 0, daysOfWeek: [], firstDayOfWeek: 'sunday', index: 'first' }
          : null,
        range: { type: definition.recurrence ? 'noEnd' : 'numbered', numberOfOccurrences: 0, recurrenceTimeZone: null, startDate: definition.createdDateTime.slice(0, 10), endDate: null },
      },
    },
  };
}

/** One entitlement management `accessPackage`. */
export function accessPackagePayload(accessPackage: SimAccessPackage): Record<string, unknown> {
  return {
    id: accessPackage.id,
    displayName: accessPackage.displayName,
    description: accessPackage.description,
    isHidden: accessPackage.isHidden,
    createdDateTime: accessPackage.createdDateTime,
    modifiedDateTime: accessPackage.createdDateTime,
  };
}

/**
 * What `GET /directoryObjects/{id}` answers for a maker or an admin that exists: a
 * `#microsoft.graph.user` (a disabled maker with `accountEnabled: false`).
 */
export function directoryUserPayload(user: SimMaker | SimUser): Record<string, unknown> {
  return {
    '@odata.type': '#microsoft.graph.user',
    id: user.id,
    displayName: user.displayName,
    userPrincipalName: user.userPrincipalName,
    accountEnabled: !('disabled' in user && user.disabled),
  };
}
